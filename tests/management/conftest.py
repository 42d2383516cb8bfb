"""Fixtures of the management tests beyond the shared ones (tests/conftest.py)."""

from ..curation.local_publisher import publisher  # noqa: F401  (a local publisher's site)
