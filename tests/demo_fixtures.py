"""Fixtures that start the demo server in-process (filled in with the demo server)."""
