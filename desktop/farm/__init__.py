"""Several ComfyUI servers as one ``Backend`` (see ``desktop/jobs/backend.py``)."""
