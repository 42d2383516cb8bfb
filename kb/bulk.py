"""Bulk operations: loading fixtures, generating demo data, deleting many entries at once.

Inside ``operation()``, signal receivers skip the per-row upkeep of derived data (search
documents, the content version); the caller brings it up to date once at the end.
Row-by-row upkeep would rewrite the same few rows thousands of times in one transaction,
which PostgreSQL cannot clean up until the transaction ends.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_in_progress: ContextVar[bool] = ContextVar("kb_bulk_operation", default=False)


@contextmanager
def operation() -> Iterator[None]:
    token = _in_progress.set(True)
    try:
        yield
    finally:
        _in_progress.reset(token)


def in_progress() -> bool:
    return _in_progress.get()
