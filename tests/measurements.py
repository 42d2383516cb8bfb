"""Figures tests measure, kept for pytest's summary at the end of the run (the summary
itself is written by ``pytest_terminal_summary`` in tests/conftest.py)."""

from __future__ import annotations

import pytest

MEASUREMENTS = pytest.StashKey[list[str]]()


def report(config: pytest.Config, line: str) -> None:
    """Keep a figure a test measured, for the summary at the end of the run."""
    config.stash.setdefault(MEASUREMENTS, []).append(line)
