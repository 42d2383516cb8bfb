"""Two editors' transactions changing the same entry at once leave its search document and
the spelling vocabulary as if they had run one after the other (kb.search.indexing)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from kb.models import Indicator, SearchDocument, SearchWord, Status
from kb.search import indexing

from ..databases import suite_vendor
from ..factories import make_tactic

pytestmark = pytest.mark.django_db(transaction=True)


def wait_until_another_transaction_waits() -> None:
    """Until the other transaction is blocked on a lock this one holds. PostgreSQL says so;
    SQLite's wait happens inside the library, so give it a moment to get there."""
    if suite_vendor() != "postgresql":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + 10
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the second transaction never waited")


def in_two_transactions_at_once(first, second) -> None:
    """Run ``first`` and ``second`` in two real transactions on two connections: the second
    starts once the first has made its change, and the first commits once the second is
    under way (blocked on it, or done)."""
    changed, errors = threading.Event(), []

    def other() -> None:
        try:
            changed.wait(10)
            with transaction.atomic():
                second()
        except Exception as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    with transaction.atomic():
        first()
        changed.set()
        wait_until_another_transaction_waits()
    thread.join(20)
    assert not thread.is_alive() and not errors, errors


def vocabulary() -> dict[tuple[str, str], int]:
    words = SearchWord.objects.order_by("language", "word")
    return {
        (language, word): n
        for language, word, n in words.values_list("language", "word", "document_count")
    }


def test_indicators_added_at_once_by_two_editors_are_both_found():
    tactic = make_tactic("Lantern")
    in_two_transactions_at_once(
        lambda: Indicator.objects.create(tactic=tactic, text="Borrowed phone buzzing"),
        lambda: Indicator.objects.create(tactic=tactic, text="Unfamiliar courier parcels"),
    )
    document = SearchDocument.objects.get(tactic=tactic, language="en")
    assert "Borrowed phone buzzing" in document.indicators
    assert "Unfamiliar courier parcels" in document.indicators
    for word in ("borrowed", "courier"):
        assert tactic in [r.tactic for r in SearchDocument.objects.search(word)], word
    # The spelling counts are exactly what recomputing them from scratch gives.
    counted = vocabulary()
    indexing.rebuild()
    assert counted == vocabulary()


def test_a_word_only_a_draft_holds_is_never_suggested_after_concurrent_edits():
    tactic = make_tactic("Lantern")

    def return_to_draft():
        tactic.status = Status.DRAFT
        tactic.save()

    in_two_transactions_at_once(
        lambda: Indicator.objects.create(tactic=tactic, text="Zephyrine signals"), return_to_draft
    )
    assert not SearchDocument.objects.filter(tactic=tactic).exists()
    assert not SearchWord.objects.filter(word="zephyrine").exists()
