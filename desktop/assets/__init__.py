"""Files the app reads at run time, shipped inside the package so that a source checkout, a
wheel and the PyInstaller bundle all find them the same way (``desktop.resources``):
``icons/`` the window icon, ``starters/`` the starter workflows and their card pictures,
``translations/`` the compiled ``.qm`` catalogues. Their sources (the ``.ts`` catalogues
translators edit, the SVG the icon is drawn from) are in the top-level ``resources/``."""
