"""Which server (or farm) the app talks to: the view-model, the bar, the settings dialog."""
