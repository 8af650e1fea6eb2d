"""The Qt user interface. Only this package and desktop/app.py import PySide6/qasync.

Shell modules: main_window (slots + menus), status, preferences, about, errors, tasks
(TaskOwner), i18n, theme, panels. Packages: connection (view-model, bar, settings dialog),
queue, preview, form, gallery, templates, hosted.
"""
