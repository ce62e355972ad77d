"""The Content-Security-Policy (issue 15, item 4): on every answer, and nothing in a page that it would refuse.

The policy forbids inline scripts, inline event handlers and style attributes ('unsafe-inline' is not in it), so the
pages must carry none: confirmations are ``data-confirm`` (static/js/confirm.js), progress widths
``data-progress-width`` (static/js/progress.js). The templates rendered only to PDF by WeasyPrint never reach a
browser; their ``<style>`` blocks stay.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from annual_reports import pdf as report_pdf
from consortia import application_form
from portal.models import AuditEvent
from reviews import notice
from tests.factories import submitted_filing
from tests.test_access_matrix import GET_MATRIX, ROLES, client_for, world  # noqa: F401 (world: a fixture)

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PDF_ONLY = {"annual_reports/report_pdf.html", "reviews/filing_notice.html", "consortia/application_form.html"}
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

EVENT_HANDLER = re.compile(r"(?<![\w-])on[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"(?<![\w-])style\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


def directives(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    return dict(part.strip().partition(" ")[::2] for part in header.split(";") if part.strip())


class InlineCode(HTMLParser):
    """What the policy would refuse in a served page: an inline script, an on… handler, a style attribute."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        line = self.getpos()[0]
        self.found += [f"line {line}: <{tag} {name}=…>" for name in sorted(names) if name.startswith("on")]
        if "style" in names:
            self.found.append(f"line {line}: <{tag} style=…>")
        # A json_script data block is never executed, so the policy does not apply to it.
        if tag == "script" and "src" not in names and dict(attrs).get("type") != "application/json":
            self.found.append(f"line {line}: <script> without src")


def inline_code(response) -> list[str]:
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser.found


def test_the_pdf_only_templates_are_the_ones_weasyprint_renders():
    assert {application_form.TEMPLATE, notice.TEMPLATE, report_pdf.TEMPLATE} == PDF_ONLY


def test_no_template_has_inline_script_handler_or_style_attribute():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name in PDF_ONLY:
            continue
        source = path.read_text(encoding="utf-8")
        offences = [(match, "inline event handler") for match in EVENT_HANDLER.finditer(source)]
        offences += [(match, "style attribute") for match in STYLE_ATTRIBUTE.finditer(source)]
        offences += [(m, "<script> without src") for m in SCRIPT_TAG.finditer(source) if "src=" not in m.group()]
        for match, what in offences:
            line = source.count("\n", 0, match.start()) + 1
            found.append(f"templates/{name}:{line}: {what}: {match.group()}")
    assert sorted(found) == []


def test_the_scan_finds_each_kind_of_inline_code():
    """The patterns above would catch what this change removed."""
    assert EVENT_HANDLER.search("""<form onsubmit="return confirm('x');">""")
    assert EVENT_HANDLER.search("<button onClick='go()'>")
    assert not EVENT_HANDLER.search('<form data-confirm="x" class="d-inline">')
    assert STYLE_ATTRIBUTE.search('<div class="progress" style="width: 5%">')
    assert not STYLE_ATTRIBUTE.search('<link rel="stylesheet" href="x.css">')
    assert [m.group() for m in SCRIPT_TAG.finditer('<script>alert(1)</script><script src="a.js" defer>')] == [
        "<script>",
        '<script src="a.js" defer>',
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.django_db
def test_every_page_of_the_access_matrix_carries_the_policy(world, demo_users, role):  # noqa: F811
    client = client_for(role, demo_users)
    wrong = {}
    for name, (target, _answers) in GET_MATRIX.items():
        url = reverse(name, kwargs=world[target] if target else None)
        response = client.get(url)
        if directives(response) != POLICY:
            wrong[name] = response.headers.get("Content-Security-Policy")
        elif found := inline_code(response):
            wrong[name] = found
    assert wrong == {}, "url name: header or inline code"


@pytest.mark.django_db
def test_the_login_page_and_the_probe_carry_the_policy(client):
    for url in (reverse("login"), reverse("healthz")):
        response = client.get(url)
        assert response.status_code == 200
        assert directives(response) == POLICY
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert inline_code(client.get(reverse("login"))) == []


@pytest.mark.django_db
def test_the_not_found_page_carries_the_policy(client, demo_users):
    client.force_login(demo_users["city"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    assert directives(response) == POLICY
    assert inline_code(response) == []


@pytest.mark.django_db
def test_the_admin_pages_carry_the_policy_and_nothing_it_refuses(client, demo_users):
    user = demo_users["lead-a"]
    consortium = submitted_filing(lead_user=user)  # its submission is audited: the audit list has a row
    client.force_login(demo_users["admin"])
    urls = [
        reverse("admin:index"),
        reverse("admin:portal_user_changelist"),
        reverse("admin:portal_user_change", args=[user.pk]),
        reverse("admin:portal_organisation_changelist"),
        reverse("admin:portal_organisation_change", args=[user.organisation_id]),
        # Read-only admins: no actions, no change form, only the view.
        reverse("admin:portal_auditevent_changelist"),
        reverse("admin:consortia_consortium_changelist"),
        reverse("admin:consortia_consortium_change", args=[consortium.pk]),
    ]
    assert AuditEvent.objects.exists()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert directives(response) == POLICY, url
        assert inline_code(response) == [], url
