"""Hosted workflows (GenStudio) in the window: ``HostedBackend`` (view-model), the connection
dialog's page, the "Runs as" bar, the translated sentences and the ``--demo-hosted`` stand-in.
``install.add_hosted`` wires them into the app."""
