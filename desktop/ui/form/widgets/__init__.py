"""Editors for one workflow input each; they display a value and report the artist's edits."""
