"""The base layer: small Qt-free helpers every other layer uses, with one copy of each rule.

``atomic``: write a file so no reader (and no crash) ever sees half of it.
``names``: turn an untrusted name (a server's, a user's) into one safe path component.
``tasks``: background tasks kept, logged when they fail, cancelled and awaited on shutdown.
``read_only``: a public read-only view of a private attribute, in one line.
``listeners``: callbacks told of something in order, one failing listener not stopping the rest.
"""
