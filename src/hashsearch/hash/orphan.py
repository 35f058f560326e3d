"""Imported by the forkserver alone (its preload list): it ends when hashsearch ends.

The forkserver is hashsearch's child; the workers are the forkserver's. Each asks to be
killed when its parent ends, so a chain of parent deaths leaves no process behind.
"""

from __future__ import annotations

from .isolate import die_with_parent

die_with_parent()
