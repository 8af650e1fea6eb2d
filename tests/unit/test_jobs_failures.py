"""Raw execution errors, as ComfyUI and its libraries word them, recognised as the failures an
artist can fix."""

from __future__ import annotations

import json

import pytest

from desktop.jobs.failures import Failure, FailureKind, classify_failure
from tests.conftest import shared_path

OOM_TIP = (
    "\nThis error means you ran out of memory on your GPU.\n\nTIPS: If the workflow worked "
    "before you might have accidentally set the batch_size to a large number."
)  # execution.py appends it to every OOM_EXCEPTION


@pytest.mark.parametrize("captures", ["comfyui-captures", "comfyui-captures-0.8"])
def test_the_recorded_corrupt_checkpoint_is_a_damaged_file(captures: str) -> None:
    path = shared_path(captures, "03-execution-error", "get_history_item.json")
    history = json.loads(path.read_text(encoding="utf-8"))["body"]
    (item,) = history.values()
    errors = [data for name, data in item["status"]["messages"] if name == "execution_error"]
    (error,) = errors
    assert error["exception_message"] == "Error while deserializing header: header too large\n"
    failure = classify_failure(error["exception_message"], error["exception_type"])
    assert failure == Failure(FailureKind.DAMAGED_FILE)


@pytest.mark.parametrize(
    ("message", "exception_type", "expected"),
    [
        # comfy/utils.py load_torch_file, both safetensors hints
        (
            "HeaderTooLarge\n\nFile path: /m/checkpoints/x.safetensors\n\nThe safetensors file "
            "is corrupt or invalid. Make sure this is actually a safetensors file and not a "
            "ckpt or pt or other filetype.",
            "ValueError",
            Failure(FailureKind.DAMAGED_FILE),
        ),
        (
            "MetadataIncompleteBuffer\n\nFile path: /m/x.safetensors\n\nThe safetensors file "
            "is corrupt/incomplete. Check the file size and make sure you have "
            "copied/downloaded it correctly.",
            "ValueError",
            Failure(FailureKind.DAMAGED_FILE),
        ),
        (
            "PytorchStreamReader failed reading zip archive: failed finding central directory",
            "RuntimeError",
            Failure(FailureKind.DAMAGED_FILE),
        ),
        ("invalid load key, '<'.", "_pickle.UnpicklingError", Failure(FailureKind.DAMAGED_FILE)),
        # torch's CUDA allocator, with ComfyUI's tip
        (
            "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of "
            "8.00 GiB of which 1.02 GiB is free." + OOM_TIP,
            "torch.OutOfMemoryError",
            Failure(FailureKind.OUT_OF_MEMORY),
        ),
        (
            "Allocation on device " + OOM_TIP,
            "torch.OutOfMemoryError",
            Failure(FailureKind.OUT_OF_MEMORY),
        ),
        (
            "MPS backend out of memory (MPS allocated: 17.00 GB, other allocations: 1.2 GB).",
            "RuntimeError",
            Failure(FailureKind.OUT_OF_MEMORY),
        ),
        # comfy/sd.py
        (
            "ERROR: Could not detect model type of: /m/checkpoints/detail_lora.safetensors\n"
            "\nHINT: This seems to be a Lora file and Lora files should be put in the lora "
            "folder and loaded with a lora loader node..",
            "RuntimeError",
            Failure(FailureKind.WRONG_MODEL_KIND),
        ),
        (
            "mat1 and mat2 shapes cannot be multiplied (154x2048 and 768x320)",
            "RuntimeError",
            Failure(FailureKind.WRONG_MODEL_KIND),
        ),
        (
            "Error(s) in loading state_dict for ControlNet:\n\tsize mismatch for input_blocks",
            "RuntimeError",
            Failure(FailureKind.WRONG_MODEL_KIND),
        ),
        # execution.py's own wording, and a custom node's import failing at run time
        (
            "Cannot execute because node IPAdapterAdvanced does not exist.",
            "",
            Failure(FailureKind.MISSING_NODE, "IPAdapterAdvanced"),
        ),
        (
            "No module named 'onnxruntime'",
            "ModuleNotFoundError",
            Failure(FailureKind.MISSING_PACKAGE, "onnxruntime"),
        ),
        (
            "[Errno 2] No such file or directory: '/srv/ComfyUI/input/cat.png'",
            "FileNotFoundError",
            Failure(FailureKind.MISSING_FILE),
        ),
        ("list index out of range", "IndexError", Failure(FailureKind.OTHER)),
        ("", "", Failure(FailureKind.OTHER)),
    ],
)
def test_common_failures_are_recognised(
    message: str, exception_type: str, expected: Failure
) -> None:
    assert classify_failure(message, exception_type) == expected
