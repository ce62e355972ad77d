"""The door runs each action's own steps (consortia.workflow): no caller can take a transition without them."""

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured

from consortia.models import (
    Consortium,
    DishonestyRecord,
    LifecycleDocument,
    Revocation,
    Submission,
    WorkflowEvent,
)
from consortia.services import submit_filing
from consortia.states import Status
from consortia.workflow import steps
from consortia.workflow.door import perform_action
from consortia.workflow.transitions import APPROVAL, REVOCATION_ANNOUNCED, SNAPSHOT, TRANSITIONS
from portal.exceptions import DomainError
from reviews.models import FilingNotice, ReviewOpinion
from reviews.services import review_filing
from tests.factories import complete_filing, pdf_upload
from tests.lifecycle.factories import active_consortium

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


@pytest.fixture
def in_city_review(demo_users, media):
    consortium = complete_filing(lead_user=demo_users["lead-a"])
    submit_filing(consortium_id=consortium.pk, actor=demo_users["lead-a"])
    review_filing(
        consortium_id=consortium.pk,
        actor=demo_users["jiangning"],
        decision="recommend",
        expected_status=Status.DISTRICT_REVIEW,
    )
    return consortium


def test_every_step_the_table_names_is_registered():
    assert all(not steps.unregistered(transition) for transition in TRANSITIONS.values())


def test_the_door_alone_approves_with_number_period_notice_and_opinion(in_city_review, demo_users):
    action = perform_action(consortium_id=in_city_review.pk, action="approve", actor=demo_users["city"])

    consortium = Consortium.objects.get(pk=in_city_review.pk)
    assert consortium.status == Status.ACTIVE
    assert consortium.filing_number.startswith("宁创联备〔")
    assert consortium.start_date is not None and consortium.end_date > consortium.start_date
    notice = FilingNotice.objects.get(consortium=consortium)
    assert notice.file.read().startswith(b"%PDF-") and len(notice.sha256) == 64
    assert action.results[APPROVAL] == notice
    assert ReviewOpinion.objects.filter(consortium=consortium, decision="approve").count() == 1


def test_approve_is_refused_when_no_app_registers_its_approval_step(in_city_review, demo_users, monkeypatch):
    monkeypatch.delitem(steps._STEPS, APPROVAL)
    events = WorkflowEvent.objects.count()

    with pytest.raises(ImproperlyConfigured, match="approval"):
        perform_action(consortium_id=in_city_review.pk, action="approve", actor=demo_users["city"])

    consortium = Consortium.objects.get(pk=in_city_review.pk)
    assert (consortium.status, consortium.filing_number) == (Status.CITY_REVIEW, None)
    assert WorkflowEvent.objects.count() == events
    assert not FilingNotice.objects.exists()


def test_the_door_alone_submits_with_a_snapshot(demo_users, media):
    consortium = complete_filing(lead_user=demo_users["lead-a"])

    action = perform_action(consortium_id=consortium.pk, action="submit", actor=demo_users["lead-a"])

    submission = Submission.objects.get(consortium=consortium)
    assert action.results[SNAPSHOT] == submission
    assert (submission.document["format"], submission.document["name"]) == ("consortium-filing/1", consortium.name)
    assert Consortium.objects.get(pk=consortium.pk).submitted_at == submission.submitted_at


def test_submit_of_an_incomplete_filing_is_refused_and_changes_nothing(demo_users, media):
    consortium = complete_filing(lead_user=demo_users["lead-a"], document=False)

    with pytest.raises(DomainError, match="不能提交"):
        perform_action(consortium_id=consortium.pk, action="submit", actor=demo_users["lead-a"])

    assert Consortium.objects.get(pk=consortium.pk).status == Status.DRAFT
    assert not Submission.objects.exists()
    assert not WorkflowEvent.objects.exists()


def test_revoke_without_evidence_is_refused_and_records_nothing(demo_users):
    consortium = active_consortium(lead=demo_users["lead-a"], end_date=date(2028, 12, 31))

    with pytest.raises(DomainError, match="证据材料"):
        perform_action(
            consortium_id=consortium.pk,
            action="revoke",
            actor=demo_users["city"],
            reason="伪造合作协议",
            valid_from=date(2026, 6, 1),
        )

    assert Consortium.objects.get(pk=consortium.pk).status == Status.ACTIVE
    assert not Revocation.objects.exists()
    assert not DishonestyRecord.objects.exists()


def test_files_a_step_stored_are_removed_when_a_later_step_refuses(demo_users, media, monkeypatch):
    consortium = active_consortium(lead=demo_users["lead-a"], end_date=date(2028, 12, 31))

    def refuse(action):
        raise DomainError("通知未能写入。")

    monkeypatch.setitem(steps._STEPS, REVOCATION_ANNOUNCED, refuse)

    with pytest.raises(DomainError, match="通知未能写入"):
        perform_action(
            consortium_id=consortium.pk,
            action="revoke",
            actor=demo_users["city"],
            reason="伪造合作协议",
            evidence=[pdf_upload("证据.pdf")],
            valid_from=date(2026, 6, 1),
            valid_until=None,
        )

    assert Consortium.objects.get(pk=consortium.pk).status == Status.ACTIVE
    assert not LifecycleDocument.objects.exists()
    stored = [path for path in media.rglob("*") if path.is_file()]
    assert stored == []


def test_a_step_cannot_be_registered_twice_under_one_name():
    with pytest.raises(ImproperlyConfigured):
        steps.step(APPROVAL)(lambda action: None)
