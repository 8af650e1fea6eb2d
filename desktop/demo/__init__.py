"""The demo server: speaks ComfyUI 0.3.64's protocol and draws placeholder pictures."""

from desktop.demo.app import create_app
from desktop.demo.config import DemoConfig
from desktop.demo.server import DemoServer
from desktop.demo.state import DemoState

__all__ = ["DemoConfig", "DemoServer", "DemoState", "create_app"]
