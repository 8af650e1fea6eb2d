"""What the starter cards and the starter notes say, translated where they are shown."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop.workflow.starters import Note, StarterKind


def starter_title(kind: StarterKind) -> str:
    titles = {
        StarterKind.TEXT_TO_IMAGE: QCoreApplication.translate("Starters", "Text to image"),
        StarterKind.IMAGE_TO_IMAGE: QCoreApplication.translate("Starters", "Image to image"),
        StarterKind.INPAINT: QCoreApplication.translate("Starters", "Inpaint"),
        StarterKind.UPSCALE: QCoreApplication.translate("Starters", "Upscale"),
    }
    return titles[kind]


def starter_line(kind: StarterKind) -> str:
    lines = {
        StarterKind.TEXT_TO_IMAGE: QCoreApplication.translate(
            "Starters", "Describe a picture and get it."
        ),
        StarterKind.IMAGE_TO_IMAGE: QCoreApplication.translate(
            "Starters", "Repaint a picture you already have."
        ),
        StarterKind.INPAINT: QCoreApplication.translate(
            "Starters", "Redo the transparent part of a picture."
        ),
        StarterKind.UPSCALE: QCoreApplication.translate(
            "Starters", "Make a picture bigger and sharper."
        ),
    }
    return lines[kind]


def note_text(note: Note) -> str:
    texts = {
        Note.NO_CHECKPOINT: QCoreApplication.translate(
            "Starters",
            "This server has no checkpoint (image model) to run this — put one into ComfyUI's "
            "models/checkpoints folder, then use Refresh Models.",
        ),
        Note.NO_INPUT_IMAGE: QCoreApplication.translate(
            "Starters", "Choose the picture to start from in the form."
        ),
        Note.PLAIN_UPSCALE: QCoreApplication.translate(
            "Starters",
            "This server has no upscale model, so the picture is enlarged with a plain resize "
            "(add one to models/upscale_models for sharper results).",
        ),
        Note.MISSING_NODES: QCoreApplication.translate(
            "Starters", "This server lacks nodes this starter needs."
        ),
        Note.MASK_FROM_ALPHA: QCoreApplication.translate(
            "Starters",
            "Inpainting redoes the transparent part of the picture: erase that area in any "
            "paint program, save it as PNG and choose it in the form.",
        ),
    }
    return texts[note]
