"""The tally package is pure: its tests run without Django (``-p no:django``)."""

import sys
from pathlib import Path

import pytest

# The shared helpers sit next to the tests; importlib mode does not put this folder on sys.path.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Overrides tests/conftest.py's cache clearing, which imports Django; nothing here is cached."""
