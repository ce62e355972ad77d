"""Schemathesis against the API's own schema (issue 16, acceptance): generated requests to every operation, signed
in with a city staff token and with a district officer's, on a portfolio in every state, find no server error and
no answer the schema does not describe (status, content type, headers, body)."""

import time
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.services import create_system_account, issue_token
from portal.models import Authority, Role

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 20  # per operation and mode: each run stays around ten seconds


@pytest.fixture
def wsgi_app():
    """The portal's WSGI application on the test's database connection: as Django's test client does, the
    connection is not closed at the end of each request (it holds the test's transaction)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def token_for(admin, *, role, authority=None):
    account = create_system_account(
        username=f"system-{role}", name="对接系统", role=role, authority=authority, actor=admin
    )
    _token, raw = issue_token(
        account=account, name="schemathesis", expires_on=timezone.localdate() + timedelta(days=30), actor=admin
    )
    return raw


def exercise(operation, headers, mode):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,  # no example database under the project: every run starts afresh
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize("role", [Role.CITY_STAFF, Role.DISTRICT_OFFICER])
def test_no_server_error_and_nothing_outside_the_schema(api_world, demo_users, settings, wsgi_app, role):
    settings.ALLOWED_HOSTS = ["localhost"]  # schemathesis's WSGI client
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False  # a server error is a 500 answer, as a client would get it
    authority = Authority.objects.get(code="320115") if role == Role.DISTRICT_OFFICER else None
    headers = {"Authorization": f"Bearer {token_for(demo_users['admin'], role=role, authority=authority)}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 10
    started = time.monotonic()
    for operation in operations:
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            exercise(operation, headers, mode)
    elapsed = time.monotonic() - started
    print(f"{role}: {len(operations)} operations, up to {EXAMPLES} examples a mode, {elapsed:.1f}s")
