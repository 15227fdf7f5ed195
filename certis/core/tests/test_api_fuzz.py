"""The whole API under schemathesis: every operation, with data made from the OpenAPI document, called
anonymously and with a token of each kind of organisation (a certification body, a customs office, the
regulator). Every answer must be no server error, a status the document lists for the operation, and a body
that matches the schema documented for that status.

Bounded for CI: a few examples per operation (``EXAMPLES``), no shrinking past a deadline, one world per
operation.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from certis.accounts.models import Organisation
from certis.accounts.services import issue_api_token
from certis.catalogue.tests.conftest import CatWorld, cat_catalogue, cat_world  # noqa: F401
from certis.certificates.tests.conftest import cert_world  # noqa: F401
from certis.wsgi import application

EXAMPLES = 10
CALLERS = ("anonymous", "body", "customs", "regulator")
# What the document promises; not whether the API refuses every request the document would refuse (a
# declaration line of the wrong type is an answer, verdict invalid, by design).
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Loaded from the application itself (not through a fixture: schemathesis's lazy loading reads a pytest
# internal that pytest 9 no longer has).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_tests_connection() -> Any:
    """The WSGI handler closes the database connection as a request starts and ends, and with it the test's
    transaction (on PostgreSQL); Django's test client keeps it open the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings: Any) -> None:
    settings.CERTIFICATES_ANON_RATE = "100000/min"
    settings.CERTIFICATES_TOKEN_RATE = "100000/min"


@pytest.fixture
def tokens(cat_world: CatWorld) -> dict[str, dict[str, str]]:  # noqa: F811
    world = cat_world
    regulator = Organisation.objects.get(kind=Organisation.Kind.REGULATOR)
    issuers = {
        "body": (world.cert.staff, world.cert.staff.organisations.get()),
        "customs": (world.officer, world.customs),
        "regulator": (world.supervisor, regulator),
    }
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for caller, (user, organisation) in issuers.items():
        _token, secret = issue_api_token(acting_user=user, organisation=organisation, name="fuzz")
        headers[caller] = {"Authorization": f"Bearer {secret}"}
    return headers


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_document(case: Any, tokens: dict[str, dict[str, str]]) -> None:
    for caller in CALLERS:  # each example as each caller: one world per operation, not four
        case.call_and_validate(headers={"Accept-Language": "en", **tokens[caller]}, checks=CHECKS)
