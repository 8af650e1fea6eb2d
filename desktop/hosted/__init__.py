"""GenStudio's hosted ComfyUI workflows: run a published workflow by API (no GPU, no ComfyUI).

Qt-free and layered like ``desktop.comfy``: ``client`` talks to the service (the API key only
ever goes to the base URL's origin), ``download`` fetches results from signed URLs on another
host without credentials, ``poller`` watches a task, ``specs`` turns the console's parameter
dump into :class:`~desktop.workflow.params.ParamSpec` values and ``changes`` computes the
inputs a run changes.
"""
