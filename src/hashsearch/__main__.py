"""``python -m hashsearch``."""

from .cli import entry

entry()
