"""The gallery: a virtual grid over the local library or a server's own history, a large
viewer and a compare window. ``GalleryView`` is the widget; ``panel.install_gallery_panel``
wires it into the app."""

from desktop.ui.gallery.view import GalleryView

__all__ = ["GalleryView"]
