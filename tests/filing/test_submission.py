"""Eligibility before submit, the submission snapshot, the round trip through check_eligibility, resubmission."""

import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from consortia.models import Consortium, Section, Submission, WorkflowEvent
from consortia.workflow.door import perform_action
from portal.models import Notification

from .conftest import MEMBERS

pytestmark = pytest.mark.django_db

ENTERPRISE_MEMBERS = [
    MEMBERS[1],
    {**MEMBERS[1], "uscc": "91320214745555318W", "name": "无锡示范封装测试有限公司", "chain_position": "midstream"},
]
JUSTIFICATION = "本联合体聚焦器件封装与应用验证，产业链上下游企业已具备完整研发条件，高校团队以技术顾问形式参与。"


def fill_without_academic_member(editor):
    for response in [editor.fill_basic(), editor.fill_lead()]:
        assert response.status_code == 302
    for member in ENTERPRISE_MEMBERS:
        assert editor.add_member(member).status_code == 302
    for response in [
        editor.fill_governance(),
        editor.fill_tasks(),
        editor.fill_funding(),
        editor.upload(),
        editor.sign_agreement(),
    ]:
        assert response.status_code == 302


def eligibility_url(consortium):
    return reverse("consortia:eligibility", args=[consortium.pk])


def justify(editor, text=JUSTIFICATION):
    return editor.client.post(
        eligibility_url(editor.consortium),
        {"loaded_version": editor.version("justifications"), "ACADEMIC_MEMBER": text},
    )


def submit(editor):
    return editor.client.post(reverse("consortia:submit", args=[editor.consortium.pk]))


def outcomes(page_context):
    return {r.code: str(r.outcome) for r in page_context["evaluation"].results}


def test_justify_rule_needs_a_justification_before_submit(editor):
    fill_without_academic_member(editor)
    page = editor.client.get(eligibility_url(editor.consortium))
    assert outcomes(page.context)["ACADEMIC_MEMBER"] == "fail"
    assert not page.context["can_submit"]
    assert "三（五）" in page.content.decode()

    submit(editor)
    assert Consortium.objects.get(pk=editor.consortium.pk).status == "draft"

    assert justify(editor).status_code == 302
    page = editor.client.get(eligibility_url(editor.consortium))
    assert outcomes(page.context)["ACADEMIC_MEMBER"] == "justified"
    assert page.context["can_submit"]


def test_submit_stores_a_snapshot_and_moves_to_district_review(editor, demo_users):
    fill_without_academic_member(editor)
    justify(editor)
    response = submit(editor)
    assert response.status_code == 302

    consortium = Consortium.objects.get(pk=editor.consortium.pk)
    assert consortium.status == "district_review"
    submission = Submission.objects.get(consortium=consortium)
    assert submission.number == 1
    assert submission.document["format"] == "consortium-filing/1"
    assert submission.document["justifications"]["ACADEMIC_MEMBER"] == JUSTIFICATION
    assert [d["sha256"] for d in submission.details["documents"]] == [consortium.documents.get().sha256]
    assert submission.eligibility["eligible"] is True
    assert submission.eligibility["thresholds"]["members_min"] == 2
    event = WorkflowEvent.objects.get(consortium=consortium)
    assert (event.from_status, event.to_status, event.actor) == ("draft", "district_review", demo_users["lead-a"])
    # The district officer of the lead unit's jurisdiction (江宁) is told; the other district is not.
    notified = set(Notification.objects.values_list("recipient__username", flat=True))
    assert notified == {"jiangning"}


def test_snapshot_does_not_change_when_the_filing_is_edited_after_a_return(editor, demo_users):
    fill_without_academic_member(editor)
    justify(editor)
    submit(editor)
    snapshot = Submission.objects.get().document
    officer = demo_users["jiangning"]
    perform_action(consortium_id=editor.consortium.pk, action="return", actor=officer, reason="请补充高校参与单位。")

    assert editor.fill_basic(summary="退回后修改的简介。").status_code == 302
    assert editor.add_member(MEMBERS[0]).status_code == 302

    submission = Submission.objects.get()
    assert submission.document == snapshot
    assert submission.document["summary"] == "围绕碳化硅功率器件全链条开展联合攻关。"
    assert len(submission.document["members"]) == 2
    with pytest.raises(ValueError):
        submission.save()

    assert submit(editor).status_code == 302
    second = Submission.objects.get(number=2)
    assert second.document["summary"] == "退回后修改的简介。"
    assert len(second.document["members"]) == 3
    assert Consortium.objects.get(pk=editor.consortium.pk).status == "district_review"


def test_export_round_trips_through_check_eligibility(editor, tmp_path):
    fill_without_academic_member(editor)
    justify(editor)
    submit(editor)
    stored = Submission.objects.get().eligibility

    exported = editor.client.get(reverse("consortia:export", args=[editor.consortium.pk]))
    path = tmp_path / "filing.json"
    path.write_bytes(exported.content)
    out = StringIO()
    call_command("check_eligibility", str(path), "--json", stdout=out)
    checked = json.loads(out.getvalue())

    assert checked["eligible"] == stored["eligible"]
    assert [(r["code"], r["outcome"]) for r in checked["results"]] == [
        (r["code"], r["outcome"]) for r in stored["results"]
    ]


def test_lead_unit_is_not_offered_and_cannot_be_changed(editor):
    page = editor.client.get(editor.url(Section.LEAD)).content.decode()
    assert 'name="lead_organisation"' not in page
    editor.post(Section.BASIC, {"lead_organisation": "999"})
    assert Consortium.objects.get(pk=editor.consortium.pk).lead_organisation == editor.consortium.lead_organisation


def test_submitted_filing_cannot_be_edited(editor):
    fill_without_academic_member(editor)
    justify(editor)
    submit(editor)
    response = editor.fill_basic(summary="审核中偷偷修改")
    assert response.status_code == 302
    assert Consortium.objects.get(pk=editor.consortium.pk).summary == "围绕碳化硅功率器件全链条开展联合攻关。"


def test_withdraw_a_draft(editor):
    response = editor.client.post(reverse("consortia:withdraw", args=[editor.consortium.pk]))
    assert response.status_code == 302
    assert Consortium.objects.get(pk=editor.consortium.pk).status == "withdrawn"


def test_district_officer_sees_the_submitted_filing_and_its_snapshot(editor, demo_users):
    fill_without_academic_member(editor)
    justify(editor)
    submit(editor)
    officer = Client()
    officer.force_login(demo_users["jiangning"])
    assert officer.get(reverse("consortia:detail", args=[editor.consortium.pk])).status_code == 200
    other = Client()
    other.force_login(demo_users["xuanwu"])
    assert other.get(reverse("consortia:detail", args=[editor.consortium.pk])).status_code == 404
    assert mail.outbox == []  # delivery happens after commit, by the worker
