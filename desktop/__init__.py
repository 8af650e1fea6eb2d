"""ComfyDesk: a desktop client that turns a ComfyUI server into a form for artists."""

__version__ = "0.1.0"
