"""The API against its own OpenAPI schema, fuzzed by Schemathesis on a seeded database.

Every operation gets ``MAX_EXAMPLES`` generated requests (bounded, no shrinking, a deadline
off: the machine is shared), sent through the WSGI application with a staff token. A case
fails on any 5xx, an undocumented status code or a response that breaks the published schema.
The whole run stays under a few minutes; ``SCHEMATHESIS_EXAMPLES`` raises the budget locally.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from config.roles import ADMIN
from config.wsgi import application
from tests.factories import DeviceFactory, UserFactory

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))


def _raw_schema():
    import django

    django.setup()
    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(_raw_schema())
schema.app = application


@pytest.fixture
def keep_connection():
    """Like Django's test client: the WSGI handler must not close the test's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, keep_connection):
    admin = UserFactory(username="fuzz-admin", roles=[ADMIN], is_staff=True, is_superuser=True)
    for n in range(3):
        DeviceFactory(asset_tag=f"FUZZ-{n}")
    return Token.objects.create(user=admin).key


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_answers_as_its_schema_says(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}", "Accept-Encoding": "identity"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
