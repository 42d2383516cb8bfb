"""Search engines, one per database, behind ``SearchBackend``."""

from django.db import connection

from ..languages import ENGLISH
from .base import MarkedDocument, SearchBackend


def get_backend(language: str = ENGLISH) -> SearchBackend:
    """The engine for the database in use, reading the documents in ``language``."""
    if connection.vendor == "postgresql":
        from .postgresql import PostgreSQLBackend

        return PostgreSQLBackend(language)
    if connection.vendor == "sqlite":
        from .sqlite import SQLiteBackend

        return SQLiteBackend(language)
    raise NotImplementedError(f"No search backend for {connection.vendor}.")


__all__ = ["MarkedDocument", "SearchBackend", "get_backend"]
