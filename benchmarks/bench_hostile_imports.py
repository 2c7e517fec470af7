"""`make bench` entry for benchmarks/hostile_imports.py (hostile import files, issue 12)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile_imports import main  # noqa: E402

__all__ = ["main"]
