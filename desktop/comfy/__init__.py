"""The ComfyUI wire protocol: HTTP + WebSocket, typed messages, errors. Qt-free."""
