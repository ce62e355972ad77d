"""The city's review of annual reports through the one door: accept or return with reasons, each with exactly one
report event and one audit event; only city staff decide; a returned report is revised and submitted again, an
accepted one is closed; the lead unit is told why. District officers comment for the city to read."""

import pytest

from annual_reports.models import ReportComment, ReportEvent, ReportSection, ReportStatus, ReportSubmission
from annual_reports.selectors import report_comments
from annual_reports.services import (
    accept_report,
    comment_on_report,
    return_report,
    save_report_section,
    submit_report,
)
from annual_reports.workflow import REPORT
from consortia.models import WorkflowEvent
from consortia.workflow import door
from consortia.workflow.machine import CONSORTIUM
from portal.exceptions import DomainError
from portal.models import AuditEvent, Notification
from tests.lifecycle.factories import complete_filing

from .factories import fill_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(report, demo_users):
    fill_in(report)
    submit_report(report_id=report.pk, actor=demo_users["lead-a"])
    Notification.objects.all().delete()
    report.refresh_from_db()
    return report


def decisions(report):
    events = ReportEvent.objects.filter(report=report).exclude(action="submit")
    audits = AuditEvent.objects.filter(
        event_type=AuditEvent.Type.STATE_CHANGED, object_type="annual_reports.annualreport", object_id=str(report.pk)
    ).exclude(changes__action="submit")
    return list(events.values_list("action", "from_status", "to_status", "role", "comment")), [
        a.changes for a in audits
    ]


def test_accepting_writes_one_event_and_one_audit_event_and_tells_the_lead_unit(submitted, demo_users):
    accept_report(report_id=submitted.pk, actor=demo_users["city"], reason="  材料完整  ")

    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.ACCEPTED
    events, audits = decisions(submitted)
    assert events == [("accept", "submitted", "accepted", "city_staff", "材料完整")]
    assert audits == [{"action": "accept", "from": "submitted", "to": "accepted", "reason": "材料完整"}]
    (told,) = Notification.objects.all()
    assert told.recipient == demo_users["lead-a"] and "通过" in told.subject and "意见：材料完整" in told.body


def test_accepting_needs_no_reason(submitted, demo_users):
    accept_report(report_id=submitted.pk, actor=demo_users["city"])

    assert decisions(submitted)[0] == [("accept", "submitted", "accepted", "city_staff", "")]


def test_returning_needs_a_reason_and_then_tells_the_lead_unit_why(submitted, demo_users):
    with pytest.raises(DomainError, match="须填写理由") as refused:
        return_report(report_id=submitted.pk, actor=demo_users["city"], reason="  ")
    assert refused.value.field == "reason"
    assert decisions(submitted) == ([], [])

    return_report(report_id=submitted.pk, actor=demo_users["city"], reason="经费使用说明不清")

    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.RETURNED
    events, audits = decisions(submitted)
    assert events == [("return", "submitted", "returned", "city_staff", "经费使用说明不清")]
    assert audits == [{"action": "return", "from": "submitted", "to": "returned", "reason": "经费使用说明不清"}]
    (told,) = Notification.objects.all()
    assert told.recipient == demo_users["lead-a"] and "意见：经费使用说明不清" in told.body


@pytest.mark.parametrize("username", ["lead-a", "jiangning", "xuanwu", "lead-b"])
@pytest.mark.parametrize("decide", ["accept", "return"])
def test_only_city_staff_decide_and_a_refusal_changes_nothing(submitted, demo_users, username, decide):
    actor = demo_users[username]
    with pytest.raises(DomainError):
        if decide == "accept":
            accept_report(report_id=submitted.pk, actor=actor, reason="好")
        else:
            return_report(report_id=submitted.pk, actor=actor, reason="改")

    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED
    assert decisions(submitted) == ([], [])
    assert not Notification.objects.exists()


def test_a_returned_report_is_revised_and_submitted_again(submitted, demo_users):
    lead = demo_users["lead-a"]
    return_report(report_id=submitted.pk, actor=demo_users["city"], reason="补充下年度计划")

    def revise(report):
        report.plan_narrative = "补充后的下年度工作计划"

    version = submitted.section_versions.get(ReportSection.PLAN, {}).get("version", 0)
    save_report_section(
        report_id=submitted.pk, actor=lead, section=ReportSection.PLAN, loaded_version=version, apply=revise
    )
    second = submit_report(report_id=submitted.pk, actor=lead)

    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED and second.number == 2
    assert ReportSubmission.objects.filter(report=submitted).count() == 2
    assert second.content["narratives"]["plan"] == "补充后的下年度工作计划"
    assert list(ReportEvent.objects.filter(report=submitted).values_list("action", "from_status")) == [
        ("submit", "to_fill"),
        ("return", "submitted"),
        ("submit", "returned"),
    ]


def test_an_accepted_report_is_closed(submitted, demo_users):
    lead = demo_users["lead-a"]
    accept_report(report_id=submitted.pk, actor=demo_users["city"])

    with pytest.raises(DomainError, match="不能修改或提交"):
        save_report_section(
            report_id=submitted.pk, actor=lead, section=ReportSection.PLAN, loaded_version=0, apply=lambda r: None
        )
    with pytest.raises(DomainError, match="已通过"):
        submit_report(report_id=submitted.pk, actor=lead)
    with pytest.raises(DomainError, match="已通过"):
        return_report(report_id=submitted.pk, actor=demo_users["city"], reason="再改")
    assert ReportSubmission.objects.filter(report=submitted).count() == 1


def test_the_districts_comments_are_read_by_the_city_and_not_by_the_lead_unit(submitted, demo_users):
    comment_on_report(report_id=submitted.pk, actor=demo_users["jiangning"], text="  本区已核实经费到位情况  ")

    seen = list(report_comments(demo_users["city"], submitted).values_list("author__username", "text"))
    assert seen == [("jiangning", "本区已核实经费到位情况")]
    assert report_comments(demo_users["jiangning"], submitted).count() == 1
    assert not report_comments(demo_users["lead-a"], submitted).exists()
    assert not report_comments(demo_users["xuanwu"], submitted).exists()
    assert AuditEvent.objects.filter(changes__action="comment", actor=demo_users["jiangning"]).count() == 1


@pytest.mark.parametrize(
    ("username", "refusal"), [("lead-a", "只有属地主管部门和市科技局"), ("xuanwu", "只有该联合体属地主管部门")]
)
def test_the_lead_unit_and_another_district_may_not_comment(submitted, demo_users, username, refusal):
    with pytest.raises(DomainError, match=refusal):
        comment_on_report(report_id=submitted.pk, actor=demo_users[username], text="意见")
    assert not ReportComment.objects.exists()


def test_the_consortium_and_the_report_go_through_the_same_engine(submitted, demo_users, monkeypatch):
    """Both services reach ``door.take_action``: its one call of ``action_refusal`` sees both machines, and both
    histories have the same shape."""
    asked = []
    refuse = door.action_refusal

    def spy(user, subject, action, *, machine):
        asked.append((machine, action))
        return refuse(user, subject, action, machine=machine)

    monkeypatch.setattr(door, "action_refusal", spy)
    draft = complete_filing(lead=demo_users["lead-a"])

    door.perform_action(consortium_id=draft.pk, action="withdraw", actor=demo_users["lead-a"])
    with pytest.raises(DomainError, match="您的角色不能对该年度报告执行“退回修改”"):
        return_report(report_id=submitted.pk, actor=demo_users["lead-a"], reason="改")
    accept_report(report_id=submitted.pk, actor=demo_users["city"])

    assert asked == [(CONSORTIUM, "withdraw"), (REPORT, "return"), (REPORT, "accept")]
    consortium_audit = AuditEvent.objects.get(object_type="consortia.consortium", object_id=str(draft.pk))
    report_audit = AuditEvent.objects.get(object_type="annual_reports.annualreport", changes__action="accept")
    assert (consortium_audit.event_type, set(consortium_audit.changes)) == (
        report_audit.event_type,
        set(report_audit.changes),
    )
    history = ("action", "from_status", "to_status", "actor", "role", "comment")
    assert WorkflowEvent.objects.filter(consortium=draft).values(*history).get() == {
        "action": "withdraw",
        "from_status": "draft",
        "to_status": "withdrawn",
        "actor": demo_users["lead-a"].pk,
        "role": "lead_unit",
        "comment": "",
    }
    assert ReportEvent.objects.filter(report=submitted, action="accept").values(*history).get()["actor"] == (
        demo_users["city"].pk
    )
