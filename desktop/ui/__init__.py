"""The Qt user interface. Only this package and desktop/app.py import PySide6/qasync.

Shell modules: main_window (slots + menus), connection (view-model), connection_bar,
connection_dialog, status, preferences, about, errors, tasks (TaskOwner), i18n, theme, panels.
"""
