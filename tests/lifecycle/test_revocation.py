"""Revocation for serious fraud (guideline §5.3): irreversible, with a reason and evidence, and dishonesty records."""

from datetime import date, timedelta
from functools import partial

import pytest
from django.urls import reverse
from django.utils import timezone

from consortia.lifecycle.services import declare_completion, revoke_consortium
from consortia.models import CompletionDeclaration, DishonestyRecord, LifecycleDocument, Revocation, WorkflowEvent
from consortia.states import Status
from portal.exceptions import DomainError
from portal.models import AuditEvent, Notification

from .factories import active_consortium, made, not_a_pdf, organisation, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def members():
    return [organisation(name="南京合谋科技有限公司"), organisation(kind="university", name="南京无辜大学")]


@pytest.fixture
def consortium(demo_users, members):
    return active_consortium(lead=demo_users["lead-a"], end_date=date(2027, 12, 31), members=members)


def url(consortium):
    return reverse("lifecycle:revoke", args=[consortium.pk])


def form_data(**changes):
    today = timezone.localdate()
    data = {
        "reason": "申报材料中伪造合作单位签章。",
        "evidence": [pdf_upload("调查报告.pdf")],
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=3 * 365)).isoformat(),
        "confirm": "on",
    }
    return {key: value for key, value in (data | changes).items() if value is not None}


def revoke(consortium, actor, **changes):
    """Revoke through the service: a short reason, one PDF of evidence, the records in force from today, no end."""
    arguments = {
        "consortium_id": consortium.pk,
        "actor": actor,
        "reason": "弄虚作假。",
        "evidence": [pdf_upload()],
        "valid_from": timezone.localdate(),
        "valid_until": None,
    }
    return revoke_consortium(**(arguments | changes))


def nothing_changed(consortium):
    consortium.refresh_from_db()
    return (
        consortium.status == Status.ACTIVE
        and not Revocation.objects.exists()
        and not DishonestyRecord.objects.exists()
        and not LifecycleDocument.objects.exists()
        and not WorkflowEvent.objects.exists()
        and not Notification.objects.exists()
    )


def test_the_city_revokes_with_reason_and_evidence_and_the_units_are_recorded(demo_users, consortium, members, login):
    client = login(demo_users["city"])
    page = client.get(url(consortium)).content.decode()
    assert "撤销备案不可撤回" in page and members[0].name in page

    response = client.post(url(consortium), form_data(members=[members[0].pk]))

    assert response.status_code == 302 and response["Location"] == f"/filings/{consortium.pk}/"
    consortium.refresh_from_db()
    assert consortium.status == Status.REVOKED
    revocation = consortium.revocation
    assert (revocation.reason, revocation.revoked_by) == ("申报材料中伪造合作单位签章。", demo_users["city"])
    assert [d.original_name for d in revocation.evidence.all()] == ["调查报告.pdf"]
    records = DishonestyRecord.objects.filter(revocation=revocation)
    assert {r.organisation for r in records} == {consortium.lead_organisation, members[0]}
    today = timezone.localdate()
    assert all((r.valid_from, r.valid_until) == (today, today + timedelta(days=3 * 365)) for r in records)
    assert all("申报材料中伪造合作单位签章" in r.reason and consortium.name in r.reason for r in records)
    event = WorkflowEvent.objects.get(consortium=consortium)
    assert (event.action, event.to_status, event.comment) == ("revoke", Status.REVOKED, "申报材料中伪造合作单位签章。")
    assert AuditEvent.objects.filter(object_id=str(consortium.pk), changes__action="revoke").exists()
    assert Notification.objects.filter(recipient=demo_users["lead-a"], subject__contains="撤销").exists()
    assert Notification.objects.filter(recipient=demo_users["jiangning"], subject__contains="撤销").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"confirm": None}, "请勾选确认：撤销备案不可撤回。"),
        ({"reason": ""}, "这个字段是必填项"),
        ({"evidence": []}, "这个字段是必填项"),
        ({"evidence": [partial(not_a_pdf, "证据.pdf")]}, "不是有效的 PDF"),
        ({"valid_from": "2026-06-01", "valid_until": "2026-05-01"}, "截止日期不能早于起始日期"),
        ({"valid_from": "not a date"}, "输入一个有效的日期"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(demo_users, consortium, login, media, changes, message):
    response = login(demo_users["city"]).post(url(consortium), form_data(**made(changes)))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert nothing_changed(consortium)
    assert not list(media.rglob("*.pdf"))


def test_a_consortium_no_longer_active_cannot_be_revoked(demo_users, login):
    expired = active_consortium(lead=demo_users["lead-a"], end_date=date(2026, 1, 31), status=Status.EXPIRED)

    response = login(demo_users["city"]).post(url(expired), form_data())

    assert response.status_code == 200
    assert "不能" in response.content.decode()
    expired.refresh_from_db()
    assert expired.status == Status.EXPIRED
    assert not DishonestyRecord.objects.exists()


@pytest.mark.parametrize("username", ["lead-a", "jiangning", "admin"])
def test_other_roles_may_not_revoke(demo_users, consortium, login, username):
    client = login(demo_users[username])
    assert client.get(url(consortium)).status_code == 403
    assert client.post(url(consortium), form_data()).status_code == 403
    assert nothing_changed(consortium)


def test_an_organisation_that_is_not_a_member_cannot_be_named(demo_users, consortium, media):
    stranger = organisation(name="南京无关科技有限公司")

    with pytest.raises(DomainError, match="不是该联合体的参与单位"):
        revoke(consortium, demo_users["city"], member_organisation_ids=[stranger.pk])
    assert nothing_changed(consortium)
    assert not list(media.rglob("*.pdf"))


def test_evidence_already_stored_is_removed_when_the_revocation_fails(demo_users, consortium, media, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(DishonestyRecord.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        revoke(consortium, demo_users["city"])
    assert nothing_changed(consortium)
    assert not list(media.rglob("*.pdf"))


def test_a_declaration_waiting_for_the_city_lapses_on_revocation(demo_users, consortium):
    declaration = declare_completion(
        consortium_id=consortium.pk, actor=demo_users["lead-a"], summary="完成。", attachments=[pdf_upload()]
    )

    revoke(consortium, demo_users["city"])

    declaration.refresh_from_db()
    assert declaration.state == CompletionDeclaration.State.LAPSED


def test_the_evidence_is_for_city_staff_only(demo_users, consortium, login):
    login(demo_users["city"]).post(url(consortium), form_data())
    evidence = consortium.lifecycle_documents.get(kind=LifecycleDocument.Kind.REVOCATION_EVIDENCE)
    download = reverse("lifecycle:document", args=[consortium.pk, evidence.pk])

    assert login(demo_users["city"]).get(download).status_code == 200
    assert login(demo_users["lead-a"]).get(download).status_code == 404
    assert login(demo_users["jiangning"]).get(download).status_code == 404
