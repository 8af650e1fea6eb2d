"""jobs: submit, track, cancel and collect ComfyUI jobs (Qt-free).

Entry points: ``session.ServerSession`` (one server: client + event pump + JobManager),
``manager.JobManager``, ``model.JobSnapshot``/``JobState``, ``sinks.FolderSink``.
"""
