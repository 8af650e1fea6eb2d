"""A stand-in for GenStudio's hosted ComfyUI workflow service: the documented API on one port,
signed result URLs on another, placeholder pictures (no AI)."""

from desktop.demo.hosted.server import DEMO_KEY, LIMITED_KEY, HostedDemoServer
from desktop.demo.hosted.workflows import IMG2IMG_ID, TXT2IMG_ID, param_dump, published_workflows

__all__ = [
    "DEMO_KEY",
    "IMG2IMG_ID",
    "LIMITED_KEY",
    "TXT2IMG_ID",
    "HostedDemoServer",
    "param_dump",
    "published_workflows",
]
