"""The gallery: a virtual grid over the local library or a server's own history, a large
viewer and a compare window. ``view.GalleryView`` is the widget; ``panel.GalleryPanel``
wires it into the app, after the window's first paint (the package itself imports nothing, so
that the panel's module does not pull the library and Pillow in before it)."""
