"""Search engines, one per database, behind ``SearchBackend``."""

from django.db import connection

from .base import MarkedDocument, SearchBackend


def get_backend() -> SearchBackend:
    """The engine for the database in use."""
    if connection.vendor == "postgresql":
        from .postgresql import PostgreSQLBackend

        return PostgreSQLBackend()
    if connection.vendor == "sqlite":
        from .sqlite import SQLiteBackend

        return SQLiteBackend()
    raise NotImplementedError(f"No search backend for {connection.vendor}.")


__all__ = ["MarkedDocument", "SearchBackend", "get_backend"]
