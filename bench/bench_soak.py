"""The short soak (``python -m bench --quick``): see bench/soak.py."""

from bench.soak import run

__all__ = ["run"]
