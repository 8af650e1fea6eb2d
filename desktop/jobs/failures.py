"""What a failed job's raw error text means, for the common failures an artist can fix.

ComfyUI reports an execution failure as ``exception_type`` + ``exception_message`` (the
library's own words, e.g. ``Error while deserializing header: header too large`` from
safetensors) plus a traceback (``execution.py``, ``execute``). This module recognises the
failures that have one clear remedy; the UI turns a :class:`FailureKind` into a sentence that
says what to do and keeps the raw text under "Technical details". Anything not recognised
is :attr:`FailureKind.OTHER` and is shown as the server sent it.

The patterns come from ComfyUI 0.3.64 and 0.8 (``execution.py``, ``comfy/utils.py``
``load_torch_file``, ``comfy/sd.py``), PyTorch's allocator and the safetensors library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class FailureKind(Enum):
    DAMAGED_FILE = "damaged_file"  # a model file that is corrupt, incomplete or not a model
    OUT_OF_MEMORY = "out_of_memory"  # the GPU (or the machine) ran out of memory
    WRONG_MODEL_KIND = "wrong_model_kind"  # a model that does not fit this node or the others
    MISSING_NODE = "missing_node"  # a node type the server does not have
    MISSING_PACKAGE = "missing_package"  # a custom node's Python dependency is not installed
    MISSING_FILE = "missing_file"  # a file the node reads is not on the server
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Failure:
    kind: FailureKind
    detail: str = ""  # what the sentence may name: the missing package or node type


_DAMAGED = (
    "error while deserializing header",  # safetensors: HeaderTooLarge, InvalidHeader, ...
    "headertoolarge",
    "metadataincompletebuffer",
    "invalidheaderdeserialization",
    "incomplete metadata",
    "safetensors file is corrupt",
    "pytorchstreamreader failed",  # torch.load of a truncated or non-zip .ckpt/.pt
    "failed finding central directory",
    "invalid load key",  # pickle: not a checkpoint at all (an HTML page, a text file)
    "unpicklingerror",
    "weights only load failed",
)
_DAMAGED_TYPES = ("safetensorerror", "unpicklingerror")
_MEMORY = (
    "out of memory",  # torch.cuda.OutOfMemoryError, MPS, HIP
    "ran out of memory on your gpu",  # ComfyUI's own tip (execution.py)
    "not enough memory",  # DefaultCPUAllocator
    "allocation on device",  # torch >= 2.1 CUDA OOM wording
    "cudaerrormemoryallocation",
)
_MEMORY_TYPES = ("outofmemoryerror",)
_WRONG_KIND = (
    "could not detect model type",  # comfy/sd.py: not a checkpoint (often a LoRA or VAE)
    "vae is invalid",  # a checkpoint without a VAE given to VAE Decode
    "error(s) in loading state_dict",
    "size mismatch for",
    "mat1 and mat2 shapes cannot be multiplied",  # SDXL LoRA/ControlNet on SD 1.5 and so on
    "invalid style model",
    "unsupported clip",
)
_NODE_MISSING = re.compile(r"node (?P<name>.+?) does not exist", re.IGNORECASE)
_NO_MODULE = re.compile(r"no module named ['\"]?(?P<name>[\w.]+)", re.IGNORECASE)
_MISSING_FILE_TYPES = ("filenotfounderror",)


def classify_failure(message: str, exception_type: str = "") -> Failure:
    """The kind of failure ``message`` (an ``exception_message``) describes."""
    text = message.casefold()
    kind = exception_type.casefold()
    if any(p in kind for p in _MEMORY_TYPES) or any(p in text for p in _MEMORY):
        return Failure(FailureKind.OUT_OF_MEMORY)
    if any(p in kind for p in _DAMAGED_TYPES) or any(p in text for p in _DAMAGED):
        return Failure(FailureKind.DAMAGED_FILE)
    if any(p in text for p in _WRONG_KIND):
        return Failure(FailureKind.WRONG_MODEL_KIND)
    missing = _NODE_MISSING.search(message)
    if missing:
        return Failure(FailureKind.MISSING_NODE, missing.group("name"))
    module = _NO_MODULE.search(message)
    if module or "modulenotfounderror" in kind:
        return Failure(FailureKind.MISSING_PACKAGE, module.group("name") if module else "")
    if any(p in kind for p in _MISSING_FILE_TYPES) or "no such file or directory" in text:
        return Failure(FailureKind.MISSING_FILE)
    return Failure(FailureKind.OTHER)
