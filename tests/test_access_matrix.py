"""Who may open what: every URL of the portal with a real object behind it, against every role (DESIGN §7).

The test walks the whole URL configuration, so a new URL without a row here fails the suite.
"""

import hashlib
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from annual_reports.models import AnnualReport, ReportComment, ReportEvent
from consortia.changes import record_change
from consortia.lifecycle.services import declare_completion
from consortia.models import (
    ChangeRecord,
    CompletionDeclaration,
    Consortium,
    DishonestyRecord,
    Document,
    Membership,
    ProvincialRecognition,
    Submission,
)
from consortia.states import Status
from portal.models import Notification
from reviews.models import FilingNotice
from tests.annual_reports.factories import first_submission, reports_of_the_year
from tests.factories import complete_filing, make_pdf, submitted_filing
from tests.monitoring.factories import finished_job

ROLES = ["anonymous", "owner", "other_lead", "officer", "other_officer", "city", "admin"]
USERS = {
    "owner": "lead-a",
    "other_lead": "lead-b",
    "officer": "jiangning",
    "other_officer": "xuanwu",
    "city": "city",
    "admin": "admin",
}

# Column order: anonymous, owner, other lead unit, officer of the jurisdiction, officer elsewhere, city, admin.
LOGIN = 302
SIGNED_IN = [LOGIN, 200, 200, 200, 200, 200, 200]
DRAFT_VIEW = [LOGIN, 200, 404, 404, 404, 404, 200]  # officers and city staff see only what was submitted
DRAFT_EDIT = [LOGIN, 200, 404, 404, 404, 404, 403]
# An unsent document is its lead unit's alone; reviewers read eligibility on the review page (a redirect).
DRAFT_DOCUMENT = [LOGIN, 200, 404, 404, 404, 404, 404]
DRAFT_ELIGIBILITY = [LOGIN, 200, 404, 404, 404, 404, 302]
POST_ONLY = [405] * 7
REVIEWERS = [LOGIN, 403, 403, 200, 200, 200, 200]
CITY_ONLY = [LOGIN, 403, 403, 403, 403, 200, 403]
API_SIGNED_IN = [401, 200, 200, 200, 200, 200, 200]
API_FILING = [401, 200, 404, 200, 404, 200, 200]  # lead-a's, in jiangning's jurisdiction
API_DISHONESTY = [401, 403, 403, 403, 403, 200, 200]  # as its list page: city staff, and administrators read it

# url name → (object the URL points at, GET answers per role)
GET_MATRIX = {
    "home": (None, SIGNED_IN),
    "login": (None, [200, 302, 302, 302, 302, 302, 302]),
    "logout": (None, POST_ONLY),
    "password_change": (None, SIGNED_IN),
    "register": (None, [200, 302, 302, 302, 302, 302, 302]),
    # With no second factor owed (none required here, none enrolled) verification sends on; anyone may enrol.
    "two_factor_verify": (None, [LOGIN, 302, 302, 302, 302, 302, 302]),
    "two_factor_enrol": (None, SIGNED_IN),
    "organisation": (None, [LOGIN, 200, 200, 403, 403, 403, 403]),
    "inbox": (None, SIGNED_IN),
    "notification": ("notification", [LOGIN, 200, 404, 404, 404, 404, 404]),
    "notifications_read_all": (None, POST_ONLY),
    # The audit trail (and its CSV/XLSX exports, the same URL) is the administrators' alone.
    "audit": (None, [LOGIN, 403, 403, 403, 403, 403, 200]),
    "set_language": (None, [302] * 7),
    "admin:index": (None, [302, 302, 302, 302, 302, 302, 200]),
    # The admin site signs in through the portal's login; a signed-in user who may not use it is refused.
    "admin_login": (None, [302, 403, 403, 403, 403, 403, 302]),
    "favicon": (None, [302] * 7),  # to the static icon, for everyone
    # The container's probes, for everyone without login; the test world has no worker heartbeat, so not ready.
    "healthz": (None, [200] * 7),
    "readyz": (None, [503] * 7),
    # The user guides, for everyone: a new lead unit reads them before it has an account.
    "help": (None, [200] * 7),
    "help_guide": ("guide", [200] * 7),
    # The public list of consortia on file and its CSV, for everyone without login.
    "public:list": (None, [200] * 7),
    "public:csv": (None, [200] * 7),
    # A notice's verification page, for everyone without login (issue 17).
    "verify:notice": ("notice_code", [200] * 7),
    # Reviewers list every filing they see on the portfolio list.
    "consortia:list": (None, [LOGIN, 200, 200, 302, 302, 302, 302]),
    "consortia:new": (None, [LOGIN, 200, 200, 403, 403, 403, 403]),
    "consortia:detail": ("draft", DRAFT_VIEW),
    "consortia:export": ("draft", DRAFT_VIEW),
    "consortia:delete_draft": ("draft", POST_ONLY),
    "consortia:edit": ("draft_section", DRAFT_EDIT),
    "consortia:edit_member": ("membership", DRAFT_EDIT),
    "consortia:remove_member": ("membership", POST_ONLY),
    "consortia:document": ("document", DRAFT_DOCUMENT),
    "consortia:delete_document": ("document", POST_ONLY),
    "consortia:eligibility": ("draft", DRAFT_ELIGIBILITY),
    # Whoever sees the filing reads what was submitted.
    "consortia:application_form": ("submission", [LOGIN, 200, 404, 200, 404, 200, 200]),
    "consortia:submit": ("draft", POST_ONLY),
    "consortia:withdraw": ("draft", POST_ONLY),
    "consortia:record_change": ("filed_change", [LOGIN, 200, 404, 403, 403, 403, 403]),
    "consortia:change_agreement": ("change", [LOGIN, 200, 404, 200, 404, 200, 200]),
    "reviews:queue": (None, REVIEWERS),
    "reviews:review": ("filed", [LOGIN, 403, 403, 200, 404, 200, 200]),
    "reviews:notice": ("filed", [LOGIN, 200, 404, 200, 404, 200, 200]),
    "reviews:reissue_notice": ("filed", CITY_ONLY),
    "lifecycle:declare_completion": ("filed", [LOGIN, 200, 404, 403, 403, 403, 403]),
    "lifecycle:decide_completion": ("declaration", CITY_ONLY),
    "lifecycle:pending_declarations": (None, CITY_ONLY),
    "lifecycle:revoke": ("filed", CITY_ONLY),
    "lifecycle:record_recognition": ("filed", CITY_ONLY),
    "lifecycle:document": ("lifecycle_document", [LOGIN, 200, 404, 200, 404, 200, 200]),
    # Administrators read and export the record; only city staff change it.
    "lifecycle:dishonesty_list": (None, [LOGIN, 403, 403, 403, 403, 200, 200]),
    "lifecycle:dishonesty_export": (None, [LOGIN, 403, 403, 403, 403, 200, 200]),
    "lifecycle:end_record": ("dishonesty_record", CITY_ONLY),
    "annual_reports:campaigns": (None, REVIEWERS),
    "annual_reports:mine": (None, [LOGIN, 200, 200, 403, 403, 403, 403]),
    "annual_reports:campaign": ("campaign", REVIEWERS),
    "annual_reports:export": ("campaign", REVIEWERS),
    # Like the filing: whoever sees the consortium reads its report.
    "annual_reports:report": ("report", [LOGIN, 200, 404, 200, 404, 200, 200]),
    "annual_reports:submission_pdf": ("report_submission", [LOGIN, 200, 404, 200, 404, 200, 200]),
    # Like the filing's editor: its lead unit's alone; who reads the report is refused (403).
    "annual_reports:edit": ("report_section", [LOGIN, 200, 404, 403, 404, 403, 403]),
    "annual_reports:submit": ("report", POST_ONLY),
    "annual_reports:decide": ("report", POST_ONLY),
    "annual_reports:comment": ("report", POST_ONLY),
    # The dashboard counts what each reader sees (an officer its jurisdiction's); lead units have none.
    "monitoring:dashboard": (None, REVIEWERS),
    # The portfolio list (and its exports, the same URL): what each reader sees; lead units have their own list.
    "monitoring:portfolio": (None, REVIEWERS),
    # An export job and its file are the user's who asked for it (city staff here) alone: anybody else, 404.
    "monitoring:export_job": ("export_job", [LOGIN, 404, 404, 404, 404, 200, 404]),
    "monitoring:export_download": ("export_job", [LOGIN, 404, 404, 404, 404, 200, 404]),
    # The API (api/): what the pages show each role; signed out, 401 with the token's challenge. Its schema and
    # Swagger UI describe it to anyone.
    "api:consortium_list": (None, API_SIGNED_IN),
    "api:consortium_detail": ("filed", API_FILING),
    "api:submission_list": (None, API_SIGNED_IN),
    "api:submission_detail": ("api_submission", API_FILING),
    "api:annual_report_list": (None, API_SIGNED_IN),
    "api:annual_report_detail": ("report", API_FILING),
    "api:change_list": (None, API_SIGNED_IN),
    "api:change_detail": ("api_change", API_FILING),
    "api:dishonesty_record_list": (None, API_DISHONESTY),
    "api:dishonesty_record_detail": ("api_dishonesty_record", API_DISHONESTY),
    "api:schema": (None, [200] * 7),
    "api:docs": (None, [200] * 7),
}

# State-changing URLs posted by everyone but the owner (whose POSTs are the features' own tests): nothing may change.
POST_MATRIX = {
    "consortia:edit": ("draft_section", [LOGIN, None, 404, 404, 404, 404, 403]),
    "consortia:remove_member": ("membership", [LOGIN, None, 404, 404, 404, 404, 403]),
    "consortia:delete_document": ("document", [LOGIN, None, 404, 404, 404, 404, 403]),
    "consortia:submit": ("draft", [LOGIN, None, 404, 404, 404, 404, 403]),
    "consortia:withdraw": ("draft", [LOGIN, None, 404, 404, 404, 404, 403]),
    "consortia:delete_draft": ("draft", [LOGIN, None, 404, 404, 404, 404, 403]),
    "annual_reports:edit": ("report_section", [LOGIN, None, 404, 403, 404, 403, 403]),
    "annual_reports:submit": ("report", [LOGIN, None, 404, 403, 404, 403, 403]),
    # A report still to fill has nothing to decide: back to the page with a message, for whoever sees it.
    "annual_reports:decide": ("report", [LOGIN, None, 404, 302, 404, 302, 302]),
    # Reviewers get the form back with its error (no text); administrators read, they do not comment.
    "annual_reports:comment": ("report", [LOGIN, None, 404, 400, 404, 400, 302]),
    # Nothing to decide on a filed consortium: back to the page with a message.
    "reviews:review": ("filed", [LOGIN, 403, 403, 302, 404, 302, 302]),
    # Without a reason city staff get the form back; the notice stays as it was.
    "reviews:reissue_notice": ("filed", [LOGIN, 403, 403, 403, 403, 200, 403]),
    # Without a file the page asks for one: a comparison changes nothing, for anybody.
    "verify:notice": ("notice_code", [200] * 7),
    "lifecycle:declare_completion": ("filed", [LOGIN, None, 404, 403, 403, 403, 403]),
    "consortia:record_change": ("filed_change", [LOGIN, None, 404, 403, 403, 403, 403]),
    # City staff get the form back with its errors: the junk POST changes nothing.
    "lifecycle:decide_completion": ("declaration", [LOGIN, 403, 403, 403, 403, 200, 403]),
    "lifecycle:revoke": ("filed", [LOGIN, 403, 403, 403, 403, 200, 403]),
    "lifecycle:record_recognition": ("filed", [LOGIN, 403, 403, 403, 403, 200, 403]),
    "lifecycle:end_record": ("dishonesty_record", [LOGIN, 403, 403, 403, 403, 200, 403]),
}

# Django's admin beyond its index is guarded by its own permission system (staff only).
EXEMPT_NAMESPACES = {"admin"}


def url_names(patterns=None, namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            yield from url_names(
                pattern.url_patterns, f"{namespace}:{inner}" if namespace and inner else inner or namespace
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_has_a_row():
    names = {name for name in url_names() if name.split(":")[0] not in EXEMPT_NAMESPACES or name == "admin:index"}
    assert names - set(GET_MATRIX) == set(), "add these URLs to the access matrix"
    assert set(GET_MATRIX) - names == set(), "these rows name URLs that no longer exist"


@pytest.fixture
def world(demo_users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    owner = demo_users["lead-a"]
    draft = complete_filing(lead_user=owner, name="草稿联合体")
    filed = complete_filing(lead_user=owner, name="已备案联合体", seed=3000)
    Consortium.objects.filter(pk=filed.pk).update(
        status=Status.ACTIVE,
        submitted_at="2026-01-05T10:00:00+08:00",
        filing_number="宁创联备〔2026〕001号",
        filed_on=date(2026, 1, 20),
        start_date=date(2026, 1, 20),
        end_date=date(2028, 12, 31),
    )
    pdf = make_pdf()
    notice = FilingNotice(consortium=filed, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf))
    notice.file.save("notice.pdf", ContentFile(pdf))
    declaration = declare_completion(
        consortium_id=filed.pk,
        actor=owner,
        summary="三项攻关任务全部完成，考核指标均已达到。",
        attachments=[SimpleUploadedFile("总结.pdf", make_pdf(), content_type="application/pdf")],
    )
    record = DishonestyRecord.objects.create(
        organisation=demo_users["lead-b"].organisation,
        reason="虚报材料",
        valid_from=date(2026, 1, 1),
        recorded_by=demo_users["city"],
    )
    change = record_change(
        consortium_id=filed.pk,
        actor=owner,
        kind="strategic_plan",
        effective_on=date(2026, 1, 20),
        explanation="调整战略规划。",
        agreement=SimpleUploadedFile("补充协议.pdf", make_pdf(), content_type="application/pdf"),
    )
    submitted = submitted_filing(lead_user=owner, name="已提交联合体", seed=6000)
    report = reports_of_the_year()[filed.pk]
    first_submission(report, owner)
    return {
        "campaign": {"pk": report.campaign_id},
        "report": {"pk": report.pk},
        "report_section": {"pk": report.pk, "section": "overall"},
        "report_submission": {"pk": report.pk, "number": 1},
        "declaration": {"pk": filed.pk, "declaration_id": declaration.pk},
        "lifecycle_document": {"pk": filed.pk, "document_id": declaration.attachments.get().pk},
        "dishonesty_record": {"record_id": record.pk},
        "draft": {"pk": draft.pk},
        "draft_section": {"pk": draft.pk, "section": "basic"},
        "membership": {"pk": draft.pk, "membership_id": Membership.objects.filter(consortium=draft).first().pk},
        "document": {"pk": draft.pk, "document_id": Document.objects.get(consortium=draft).pk},
        "filed": {"pk": filed.pk},
        "submission": {"pk": submitted.pk, "number": 1},
        "filed_change": {"pk": filed.pk, "kind": "member_left"},
        "change": {"pk": filed.pk, "change_id": change.pk},
        "notification": {"pk": Notification.objects.create(recipient=owner, subject="s", body="b").pk},
        "export_job": {"pk": finished_job(demo_users["city"]).pk},
        "api_submission": {"pk": Submission.objects.get(consortium=submitted).pk},
        "api_change": {"pk": change.pk},
        "api_dishonesty_record": {"pk": record.pk},
        "guide": {"slug": "lead-unit"},
        "notice_code": {"code": notice.verification_code},
    }


def client_for(role, demo_users):
    client = Client()
    if role != "anonymous":
        client.force_login(demo_users[USERS[role]])
    return client


def state(world):
    return (
        list(Consortium.objects.order_by("pk").values_list("status", "name", "updated_at")),
        Membership.objects.count(),
        Document.objects.count(),
        list(CompletionDeclaration.objects.values_list("state", flat=True)),
        list(DishonestyRecord.objects.values_list("ended_on", flat=True)),
        ProvincialRecognition.objects.count(),
        ChangeRecord.objects.count(),
        list(AnnualReport.objects.order_by("pk").values_list("status", "section_versions", "overall_narrative")),
        ReportEvent.objects.count(),
        ReportComment.objects.count(),
        list(FilingNotice.objects.values_list("version", "verification_code", "sha256")),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.django_db
def test_get_matrix(world, demo_users, role):
    client = client_for(role, demo_users)
    column = ROLES.index(role)
    wrong = {}
    for name, (target, answers) in GET_MATRIX.items():
        url = reverse(name, kwargs=world[target] if target else None)
        status = client.get(url).status_code
        if status != answers[column]:
            wrong[name] = (url, status, answers[column])
    assert wrong == {}, "url name: (url, got, expected)"


@pytest.mark.parametrize("role", [role for role in ROLES if role != "owner"])
@pytest.mark.django_db
def test_post_matrix_changes_nothing(world, demo_users, role):
    client = client_for(role, demo_users)
    column = ROLES.index(role)
    before = state(world)
    wrong = {}
    for name, (target, answers) in POST_MATRIX.items():
        url = reverse(name, kwargs=world[target])
        status = client.post(url, {"loaded_version": 0, "name": "篡改", "decision": "approve"}).status_code
        if status != answers[column]:
            wrong[name] = (url, status, answers[column])
    assert wrong == {}, "url name: (url, got, expected)"
    assert state(world) == before


@pytest.mark.django_db
def test_officer_cannot_reach_another_districts_filing_by_guessing(world, demo_users):
    client = client_for("other_officer", demo_users)
    for pk in range(1, world["filed"]["pk"] + 5):
        assert client.get(reverse("reviews:review", args=[pk])).status_code == 404
        assert client.get(reverse("consortia:detail", args=[pk])).status_code == 404
