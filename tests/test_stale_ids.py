"""No 500 from a stale or foreign id (issue 11, item 4).

Every URL of the portal with an ``<int:...>`` or ``<uuid:...>`` argument is requested with ids that do not exist and
with ids of objects that exist but belong elsewhere (the first argument one the user may see, the second another
consortium's; another user's notification; a record already ended), by GET and by POST, as each role that acts on
them. The answer may be a 404, a 403, a redirect with a message or the form again: never a 500. A new URL with an id
is walked too (with ids that do not exist) and fails the suite until it has a row in ``TARGETS`` naming foreign ids.
"""

import hashlib
import time
import uuid
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter

from annual_reports.models import AnnualReport
from consortia import services
from consortia.changes import record_change
from consortia.lifecycle.services import declare_completion
from consortia.models import (
    ChangeRecord,
    CompletionDeclaration,
    Consortium,
    DishonestyRecord,
    Document,
    LifecycleDocument,
    Membership,
    ProvincialRecognition,
    Submission,
)
from consortia.states import Status
from portal.exceptions import DomainError
from portal.models import Notification
from reviews.models import FilingNotice
from tests.annual_reports.factories import first_submission, reports_of_the_year
from tests.factories import complete_filing, make_pdf, organisation, submitted_filing
from tests.monitoring.factories import finished_job

ROLES = ["lead-a", "jiangning", "city", "admin"]
EXEMPT_NAMESPACES = {"admin"}
EXEMPT_NAMES = {"set_language"}
MISSING_INT = 999999
# Plausible but junk: the draft's sections are at version 0, so one of the two gets past the version check.
JUNK_POSTS = [{"loaded_version": "0", "reason": "x"}, {"loaded_version": "1", "reason": "x"}]


# --- The URL configuration ------------------------------------------------------------------------------------------


def id_patterns(patterns=None, namespace=None, converters=None):
    """(url name, {argument: converter}) of every named pattern, through includes, with the converters of its
    prefixes; the admin and ``set_language`` left out."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        found = {**(converters or {}), **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if inner in EXEMPT_NAMESPACES:
                continue
            yield from id_patterns(
                pattern.url_patterns, f"{namespace}:{inner}" if namespace and inner else inner or namespace, found
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            if name not in EXEMPT_NAMESPACES and name not in EXEMPT_NAMES:
                yield name, found


def is_id(converter) -> bool:
    return isinstance(converter, IntConverter | UUIDConverter)


def urls_with_ids() -> dict[str, dict]:
    return {name: converters for name, converters in id_patterns() if any(map(is_id, converters.values()))}


def missing_value(converter):
    return MISSING_INT if isinstance(converter, IntConverter) else uuid.uuid4()


def placeholder(converter):
    """A value for an argument no row of ``TARGETS`` gives (a new URL): a missing id, or a plain slug."""
    return missing_value(converter) if is_id(converter) else "x"


# --- The objects ------------------------------------------------------------------------------------------------


def _file(consortium):
    Consortium.objects.filter(pk=consortium.pk).update(
        status=Status.ACTIVE,
        submitted_at="2026-01-05T10:00:00+08:00",
        filed_on=date(2026, 1, 20),
        start_date=date(2026, 1, 20),
        end_date=date(2028, 12, 31),
    )


def _declare(consortium, owner):
    declaration = declare_completion(
        consortium_id=consortium.pk,
        actor=owner,
        summary="三项攻关任务全部完成，考核指标均已达到。",
        attachments=[SimpleUploadedFile("总结.pdf", make_pdf(), content_type="application/pdf")],
    )
    return declaration, declaration.attachments.get()


def _change(consortium, actor) -> int:
    return record_change(
        consortium_id=consortium.pk,
        actor=actor,
        kind="mechanism",
        effective_on=date(2026, 1, 20),
        explanation="调整运行机制。",
        agreement=SimpleUploadedFile("补充协议.pdf", make_pdf(), content_type="application/pdf"),
    ).pk


@pytest.fixture
def world(demo_users, settings, tmp_path):
    """lead-a's draft, a second draft, a filing returned for revision with a member that has left, two active
    filings with a completion declaration each; lead-b's active filing; notifications; two dishonesty records; the
    year's reports of the three active filings, the filed one's submitted once."""
    settings.MEDIA_ROOT = tmp_path
    owner, other = demo_users["lead-a"], demo_users["lead-b"]
    draft = complete_filing(lead_user=owner, name="草稿联合体", seed=1000)
    sibling = complete_filing(lead_user=owner, name="另一草稿联合体", seed=2000)
    returned = complete_filing(lead_user=owner, name="退回修改联合体", seed=4000)
    Consortium.objects.filter(pk=returned.pk).update(status=Status.RETURNED, submitted_at="2026-01-05T10:00:00+08:00")
    # The enterprise member (no task names it) of the returned filing left at an earlier revision.
    left = returned.memberships.order_by("pk").last()
    Membership.objects.filter(pk=left.pk).update(left_on=date(2026, 1, 10))
    Membership.objects.create(
        consortium=returned,
        organisation=organisation(4002, name="示范装备公司4002"),
        independent_legal_entity=True,
        capability="中试线一条。",
        role="负责工艺验证。",
    )
    filed = complete_filing(lead_user=owner, name="已备案联合体", seed=3000)
    _file(filed)
    Consortium.objects.filter(pk=filed.pk).update(filing_number="宁创联备〔2026〕001号")
    pdf = make_pdf()
    notice = FilingNotice(consortium=filed, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf))
    notice.file.save("notice.pdf", ContentFile(pdf))
    declaration, attachment = _declare(filed, owner)
    filed2 = complete_filing(lead_user=owner, name="另一已备案联合体", seed=3500)  # no filing notice
    _file(filed2)
    declaration2, attachment2 = _declare(filed2, owner)
    foreign = complete_filing(lead_user=other, name="他人联合体", seed=5000)  # Xuanwu: not jiangning's
    _file(foreign)
    submitted = submitted_filing(lead_user=owner, name="已提交联合体", seed=6000)  # in district review
    notifications = {
        user.username: Notification.objects.create(recipient=user, subject="s", body="b").pk
        for user in demo_users.values()
    }
    record = DishonestyRecord.objects.create(
        organisation=other.organisation, reason="虚报材料", valid_from=date(2026, 1, 1), recorded_by=demo_users["city"]
    )
    ended = DishonestyRecord.objects.create(
        organisation=other.organisation,
        reason="虚报材料",
        valid_from=date(2025, 1, 1),
        recorded_by=demo_users["city"],
        ended_on=date(2025, 6, 1),
        end_reason="整改完毕",
        ended_by=demo_users["city"],
    )
    expired = DishonestyRecord.objects.create(
        organisation=other.organisation,
        reason="虚报材料",
        valid_from=date(2020, 1, 1),
        valid_until=date.today() - timedelta(days=30),
        recorded_by=demo_users["city"],
    )

    report = reports_of_the_year()[filed.pk]  # the one consortium with a filing number
    first_submission(report, owner)

    def member(consortium, *, current=True):
        return consortium.memberships.filter(left_on__isnull=current).order_by("pk").first().pk

    def document(consortium):
        return Document.objects.get(consortium=consortium).pk

    return {
        "draft": draft.pk,
        "sibling": sibling.pk,
        "returned": returned.pk,
        "filed": filed.pk,
        "filed2": filed2.pk,
        "submitted": submitted.pk,
        "foreign": foreign.pk,
        "draft_member": member(draft),
        "sibling_member": member(sibling),
        "returned_member": member(returned),
        "returned_left_member": left.pk,
        "filed_member": member(filed),
        "foreign_member": member(foreign),
        "draft_document": document(draft),
        "sibling_document": document(sibling),
        "filed_document": document(filed),
        "foreign_document": document(foreign),
        "declaration": declaration.pk,
        "declaration2": declaration2.pk,
        "attachment": attachment.pk,
        "attachment2": attachment2.pk,
        "change": _change(filed, owner),
        "change2": _change(filed2, owner),
        "foreign_change": _change(foreign, other),
        "notifications": notifications,
        "record": record.pk,
        "ended_record": ended.pk,
        "expired_record": expired.pk,
        "campaign": report.campaign_id,
        "report": report.pk,
        "report2": AnnualReport.objects.create(campaign_id=report.campaign_id, consortium=filed2).pk,
        "foreign_report": AnnualReport.objects.create(campaign_id=report.campaign_id, consortium=foreign).pk,
        "export_job": finished_job(demo_users["city"]).pk,
        "foreign_export_job": finished_job(demo_users["xuanwu"]).pk,
        "submission": Submission.objects.get(consortium=submitted).pk,
    }


# --- What to request ------------------------------------------------------------------------------------------------

# A consortium of another lead unit (Xuanwu: not jiangning's either); a URL with a second id also gets the other
# consortia of the same lead unit, the second id then belonging to the base.
OTHER_LEAD = ["foreign"]
FILING_PKS = ["foreign", "sibling", "filed2", "draft"]


def _consortium(*bases):
    return {"bases": [{"pk": base} for base in bases], "foreign": {"pk": OTHER_LEAD}}


# url name → bases (kwargs naming objects in ``world``: what a user may see) and, per argument, the ``world`` objects
# put in its place one at a time (foreign to the base, or stale). A base value is never requested as it is.
TARGETS = {
    "notification": {"bases": [{"pk": "notification:lead-a"}], "foreign": {"pk": ["notification:lead-b"]}},
    "consortia:detail": _consortium("draft", "filed"),
    "consortia:export": _consortium("draft", "filed"),
    "consortia:edit": {
        "bases": [{"pk": "draft", "section": "members"}, {"pk": "returned", "section": "documents"}],
        "foreign": {"pk": OTHER_LEAD},
    },
    "consortia:edit_member": {
        "bases": [
            {"pk": "draft", "membership_id": "draft_member"},
            {"pk": "returned", "membership_id": "returned_member"},
            {"pk": "filed", "membership_id": "filed_member"},
        ],
        "foreign": {
            "pk": FILING_PKS,
            "membership_id": ["sibling_member", "foreign_member", "returned_left_member", "filed_member"],
        },
    },
    "consortia:document": {
        "bases": [{"pk": "draft", "document_id": "draft_document"}, {"pk": "filed", "document_id": "filed_document"}],
        "foreign": {"pk": FILING_PKS, "document_id": ["sibling_document", "foreign_document", "filed_document"]},
    },
    "consortia:eligibility": _consortium("draft", "filed"),
    "consortia:submit": _consortium("draft", "returned"),
    "consortia:withdraw": _consortium("draft", "filed"),
    "consortia:delete_draft": _consortium("draft"),
    "reviews:review": _consortium("filed", "returned"),
    "reviews:notice": _consortium("filed"),
    # filed2 has no notice to reissue: city staff get the form back with the refusal.
    "reviews:reissue_notice": {"bases": [{"pk": "filed"}], "foreign": {"pk": ["foreign", "filed2"]}},
    # A submission number of another consortium, or of one never submitted (the drafts).
    "consortia:application_form": {
        "bases": [{"pk": "submitted", "number": 1}],
        "foreign": {"pk": [*FILING_PKS, "filed", "returned"]},
    },
    "lifecycle:declare_completion": _consortium("filed"),
    "consortia:record_change": {
        "bases": [{"pk": "filed", "kind": "member_left"}, {"pk": "draft", "kind": "member_joined"}],
        "foreign": {"pk": OTHER_LEAD},
    },
    "consortia:change_agreement": {
        "bases": [{"pk": "filed", "change_id": "change"}],
        "foreign": {"pk": FILING_PKS, "change_id": ["change2", "foreign_change"]},
    },
    "lifecycle:decide_completion": {
        "bases": [{"pk": "filed", "declaration_id": "declaration"}],
        "foreign": {"pk": FILING_PKS, "declaration_id": ["declaration2"]},
    },
    "lifecycle:revoke": _consortium("filed"),
    "lifecycle:record_recognition": _consortium("filed"),
    "lifecycle:document": {
        "bases": [{"pk": "filed", "document_id": "attachment"}],
        "foreign": {"pk": FILING_PKS, "document_id": ["attachment2"]},
    },
    "lifecycle:end_record": {
        "bases": [{"record_id": "record"}],
        "foreign": {"record_id": ["ended_record", "expired_record"]},
    },
}
TARGETS["annual_reports:campaign"] = TARGETS["annual_reports:export"] = {"bases": [{"pk": "campaign"}], "foreign": {}}
TARGETS["annual_reports:report"] = {"bases": [{"pk": "report"}], "foreign": {"pk": ["foreign_report"]}}
# A number submitted only by another report (filed2's never was, foreign's is another lead unit's).
TARGETS["annual_reports:submission_pdf"] = {
    "bases": [{"pk": "report", "number": 1}],
    "foreign": {"pk": ["report2", "foreign_report"]},
}
TARGETS["annual_reports:edit"] = {
    "bases": [{"pk": "report", "section": "funding"}],
    "foreign": {"pk": ["foreign_report"]},
}
TARGETS["annual_reports:submit"] = TARGETS["annual_reports:decide"] = TARGETS["annual_reports:comment"] = {
    "bases": [{"pk": "report"}],
    "foreign": {"pk": ["foreign_report"]},
}
TARGETS["consortia:remove_member"] = TARGETS["consortia:edit_member"]
# The API's details: another lead unit's consortium, report or change (a submission only by missing ids: none of
# the world's other consortia submitted).
TARGETS["api:consortium_detail"] = _consortium("draft", "filed")
TARGETS["api:submission_detail"] = {"bases": [{"pk": "submission"}], "foreign": {}}
TARGETS["api:annual_report_detail"] = {"bases": [{"pk": "report"}], "foreign": {"pk": ["foreign_report"]}}
TARGETS["api:change_detail"] = {"bases": [{"pk": "change"}], "foreign": {"pk": ["foreign_change"]}}
TARGETS["api:dishonesty_record_detail"] = {"bases": [{"pk": "record"}], "foreign": {"pk": ["ended_record"]}}
TARGETS["consortia:delete_document"] = TARGETS["consortia:document"]
# Another user's export job: a user none of ROLES is (the base is city staff's).
TARGETS["monitoring:export_job"] = TARGETS["monitoring:export_download"] = {
    "bases": [{"pk": "export_job"}],
    "foreign": {"pk": ["foreign_export_job"]},
}


def resolve(world, value):
    """A ``world`` object's id from its key (``notification:<username>`` for a user's notification)."""
    if isinstance(value, str) and value.startswith("notification:"):
        return world["notifications"][value.split(":", 1)[1]]
    return world[value] if isinstance(value, str) and value in world else value


def cases(world, name, converters):
    """(kwargs, what they are) to request for one URL: each id argument in turn missing, all of them missing, and
    each argument in turn replaced by an object that exists elsewhere."""
    target = TARGETS.get(name)
    bases = [{arg: resolve(world, value) for arg, value in base.items()} for base in target["bases"]] if target else []
    bases = bases or [{arg: placeholder(converter) for arg, converter in converters.items()}]
    ids = [arg for arg, converter in converters.items() if is_id(converter)]
    seen = set()
    for base in bases:
        variants = [({**base, arg: missing_value(converters[arg])}, f"missing {arg}") for arg in ids]
        variants.append(({**base, **{arg: missing_value(converters[arg]) for arg in ids}}, "all missing"))
        for arg, values in (target["foreign"] if target else {}).items():
            for value in values:
                if resolve(world, value) != base[arg]:
                    variants.append(({**base, arg: resolve(world, value)}, f"{arg}={value}"))
        for kwargs, label in variants:
            key = tuple(sorted((arg, str(value)) for arg, value in kwargs.items()))
            if key not in seen:
                seen.add(key)
                yield kwargs, label


def snapshot():
    """Everything the walk might change by mistake."""
    return (
        list(Consortium.objects.order_by("pk").values_list("pk", "status", "name", "section_versions")),
        list(Membership.objects.order_by("pk").values_list("pk", "consortium_id", "left_on")),
        list(Document.objects.order_by("pk").values_list("pk", "consortium_id")),
        list(LifecycleDocument.objects.order_by("pk").values_list("pk")),
        list(CompletionDeclaration.objects.order_by("pk").values_list("pk", "state")),
        list(DishonestyRecord.objects.order_by("pk").values_list("pk", "ended_on")),
        list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        ProvincialRecognition.objects.count(),
        list(ChangeRecord.objects.order_by("pk").values_list("pk", "membership_id")),
        list(FilingNotice.objects.order_by("pk").values_list("pk", "version", "verification_code")),
    )


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def request(client, method, url, data=None):
    response = client.get(url) if method == "GET" else client.post(url, data)
    error = getattr(response, "exc_info", None)
    if hasattr(response, "streaming_content"):
        response.close()
    return response.status_code, (f"{error[0].__name__}: {error[1]}" if error else "")


# --- The walk -------------------------------------------------------------------------------------------------------


def test_every_url_with_an_id_has_a_row():
    names = set(urls_with_ids())
    assert names - set(TARGETS) == set(), "add these URLs (and ids foreign to them) to TARGETS"
    assert set(TARGETS) - names == set(), "these rows name URLs that no longer exist or take no id"


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.django_db
def test_no_500_from_a_stale_or_foreign_id(world, demo_users, settings, username):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client = client_for(demo_users[username])
    before = snapshot()
    offenders, walked, requests = [], set(), 0
    started = time.monotonic()
    for name, converters in urls_with_ids().items():
        for kwargs, label in cases(world, name, converters):
            url = reverse(name, kwargs=kwargs)
            for method, data in [("GET", None)] + [("POST", post) for post in JUNK_POSTS]:
                status, error = request(client, method, url, data)
                requests += 1
                if status >= 500:
                    offenders.append(f"{name} {method} {url} ({label}) as {username}: {status} {error}")
            walked.add(name)
    elapsed = time.monotonic() - started
    assert offenders == [], f"{len(offenders)} of {requests} requests answered 500:\n" + "\n".join(offenders)
    assert walked == set(urls_with_ids()), "URLs with an id that the walk did not request"
    assert snapshot() == before, "a stale or foreign id changed something"
    print(f"{username}: {requests} requests in {elapsed:.1f}s")


# --- The cases the issue names --------------------------------------------------------------------------------------


def _version(pk, section):
    return Consortium.objects.get(pk=pk).section_versions.get(section, {}).get("version", 0)


def _members(*pks):
    return list(Membership.objects.filter(consortium__in=pks).order_by("pk").values_list("pk", "left_on"))


@pytest.mark.parametrize("filing", ["draft", "returned"])
@pytest.mark.django_db
def test_removing_an_already_removed_member(world, demo_users, settings, filing):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client = client_for(demo_users["lead-a"])
    pk = world[filing]
    # The first member is responsible for a task and cannot leave; the last current one can.
    membership_id = Membership.objects.filter(consortium=pk, left_on__isnull=True).order_by("pk").last().pk
    url = reverse("consortia:remove_member", kwargs={"pk": pk, "membership_id": membership_id})
    first = client.post(url, {"loaded_version": _version(pk, "members")})
    assert first.status_code == 302
    assert not Membership.objects.filter(pk=membership_id, left_on__isnull=True).exists()
    after_first, version = _members(pk), _version(pk, "members")

    second = client.post(url, {"loaded_version": version})
    assert second.status_code in (302, 404), getattr(second, "exc_info", None)
    if second.status_code == 302:
        assert [m.level_tag for m in get_messages(second.wsgi_request)] == ["error"]
    assert _members(pk) == after_first
    assert _version(pk, "members") == version
    edit = reverse("consortia:edit_member", kwargs={"pk": pk, "membership_id": membership_id})
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"loaded_version": version, "role": "改写"}).status_code == 404
    assert _members(pk) == after_first


@pytest.mark.django_db
def test_a_member_removed_a_moment_ago_is_a_refusal_not_an_error(world, demo_users):
    """Past the view's check, another request removed the member: the service refuses, nothing is saved."""
    pk, before = world["returned"], _members(world["returned"])
    for membership_id in (world["returned_left_member"], world["sibling_member"], MISSING_INT):
        with pytest.raises(DomainError, match="已不在本联合体中"):
            services.save_section(
                consortium_id=pk,
                actor=demo_users["lead-a"],
                section="members",
                loaded_version=0,
                apply=lambda c, m=membership_id: services.remove_member(consortium=c, membership_id=m),
            )
    assert _members(pk) == before
    assert _version(pk, "members") == 0


@pytest.mark.django_db
def test_removing_a_member_of_another_consortium(world, demo_users, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client = client_for(demo_users["lead-a"])
    draft, sibling = world["draft"], world["sibling"]
    before = _members(draft, sibling)
    url = reverse("consortia:remove_member", kwargs={"pk": draft, "membership_id": world["sibling_member"]})
    response = client.post(url, {"loaded_version": _version(draft, "members")})
    assert response.status_code == 404, getattr(response, "exc_info", None)
    assert _members(draft, sibling) == before
    assert _version(draft, "members") == _version(sibling, "members") == 0


@pytest.mark.django_db
def test_deleting_a_document_of_another_consortium(world, demo_users, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client = client_for(demo_users["lead-a"])
    draft = world["draft"]
    url = reverse("consortia:delete_document", kwargs={"pk": draft, "document_id": world["sibling_document"]})
    response = client.post(url, {"loaded_version": _version(draft, "documents")})
    assert response.status_code == 404, getattr(response, "exc_info", None)
    assert Document.objects.filter(pk__in=[world["draft_document"], world["sibling_document"]]).count() == 2


@pytest.mark.django_db
def test_opening_another_users_notification(world, demo_users, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client = client_for(demo_users["lead-a"])
    pk = world["notifications"]["lead-b"]
    response = client.get(reverse("notification", kwargs={"pk": pk}))
    assert response.status_code == 404
    assert Notification.objects.get(pk=pk).read_at is None
