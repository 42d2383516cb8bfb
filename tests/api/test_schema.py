"""Property-based tests of the API against its own OpenAPI description (schemathesis):
generated requests, valid and invalid, must never cause a server error and must get the
responses the schema documents. Runs on whichever database the suite runs on."""

import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from kb.wsgi import application

# A fixed sequence of examples, so that a CI run can be reproduced; raise the number (and
# unset the fixed seed with KB_SCHEMA_RANDOM=1) to explore further by hand.
EXAMPLES_PER_OPERATION = int(os.environ.get("KB_SCHEMA_EXAMPLES", "25"))
DERANDOMIZE = not os.environ.get("KB_SCHEMA_RANDOM")


@contextmanager
def connection_kept_open():
    # Requests through the WSGI application would close the test's database connection
    # when they finish, mid-transaction; Django's own test client disconnects this too.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_api_conforms_to_its_openapi_description():
    # The description lists the vocabularies' slugs, so it is read after the seed loads;
    # the API is read-only, so the content stays the same for every generated request.
    call_command("seed", verbosity=0)
    with connection_kept_open():
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 18
        for operation in operations:
            _check_both_ways(operation)


def _check_both_ways(operation) -> None:
    """Valid requests must be answered as documented; invalid ones must be refused with a
    documented error, never accepted and never a server error."""
    _check(operation, GenerationMode.POSITIVE)
    if len(operation.query):  # a lone string path parameter cannot be made invalid
        _check(operation, GenerationMode.NEGATIVE)


def _check(operation, mode: GenerationMode) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=DERANDOMIZE,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def conforms(case) -> None:
        # schemathesis sends requests' default Accept-Encoding (gzip) and its WSGI transport
        # does not decode what kb.web.compression then gzips: ask for the plain body.
        case.call_and_validate(headers={"Accept-Encoding": "identity"})

    conforms()
