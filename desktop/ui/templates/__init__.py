"""Starting points: the starter workflow cards and the server's template gallery."""
