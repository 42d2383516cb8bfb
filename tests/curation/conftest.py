"""Fixtures of the curation tests beyond the shared ones (tests/conftest.py)."""

from .local_publisher import publisher  # noqa: F401  (a local publisher's site)
