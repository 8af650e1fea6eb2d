"""The queue panel: our jobs and other clients' in one list, details, cancel and retry."""
