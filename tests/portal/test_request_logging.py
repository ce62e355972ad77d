"""Every request gets an id, answered in X-Request-ID and written in its JSON log line on stdout."""

import io
import json
import logging

import pytest
from django.urls import reverse


@pytest.fixture
def stdout_lines():
    """What the configured stdout handler writes (LOGGING's own handler, filter and formatter), line by line."""
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    written = io.StringIO()
    # Not setStream, which flushes the stream it replaces: a second pytest session in one process (mutmut's clean run
    # after its stats run) finds that one closed.
    previous, handler.stream = handler.stream, written
    yield lambda: [json.loads(line) for line in written.getvalue().splitlines()]
    handler.stream = previous


def request_lines(lines):
    return [line for line in lines if line["logger"] == "portal.request"]


@pytest.mark.django_db
def test_a_request_is_logged_as_json_with_the_id_its_response_carries(client, demo_users, stdout_lines):
    client.force_login(demo_users["city"])
    response = client.get(reverse("home"))

    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    (line,) = request_lines(stdout_lines())
    assert line["request_id"] == request_id
    assert line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/", 200)
    assert line["duration_ms"] >= 0
    assert line["time"][:4].isdigit()


@pytest.mark.django_db
def test_the_proxys_request_id_is_kept_when_it_is_a_plain_token(client, stdout_lines):
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID="nginx-5f2b9c0e.01")
    assert response["X-Request-ID"] == "nginx-5f2b9c0e.01"
    assert [line["request_id"] for line in request_lines(stdout_lines())] == ["nginx-5f2b9c0e.01"]


@pytest.mark.django_db
@pytest.mark.parametrize("offered", ['a"b\nINFO forged', "x" * 129, "", "-leading-dash"])
def test_an_unsafe_request_id_is_replaced(client, offered, stdout_lines):
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID=offered)
    assert response["X-Request-ID"] != offered
    assert len(response["X-Request-ID"]) == 32
    assert [line["request_id"] for line in request_lines(stdout_lines())] == [response["X-Request-ID"]]


@pytest.mark.django_db
def test_lines_written_while_serving_carry_the_id_and_errors_too(client, stdout_lines):
    response = client.get("/no-such-page/")
    lines = stdout_lines()
    # Django's own "Not Found" warning is written after the middleware returns: it still carries the id.
    (not_found,) = [line for line in lines if line["logger"] == "django.request"]
    assert not_found["level"] == "WARNING"
    assert not_found["request_id"] == response["X-Request-ID"]
    assert request_lines(lines)[0]["status"] == 404
