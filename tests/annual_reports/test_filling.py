"""Filling in the report section by section (the filing's stale-save refusal) and submitting it: an incomplete report
is refused with what it lacks and nothing stored; a complete one is kept as an immutable snapshot and announced."""

from decimal import Decimal

import pytest

from annual_reports.models import AnnualReport, ReportSection, ReportStatus, ReportSubmission, TaskProgressStatus
from annual_reports.services import save_report_section, submit_report
from consortia.services import StaleSection
from portal.exceptions import DomainError
from portal.models import AuditEvent, Notification
from tests.lifecycle.factories import lead_user

from .factories import fill_in

pytestmark = pytest.mark.django_db


def notifications():
    """What was sent besides the notice that the report is open (``test_campaign``'s subject)."""
    return Notification.objects.exclude(dedup_key__startswith="report-opened:")


def write(field, value):
    def apply(report):
        setattr(report, field, value)

    return apply


def write_overall(text):
    return write("overall_narrative", text)


def test_the_lead_unit_saves_a_section_and_its_version_moves_on(report, demo_users):
    lead = demo_users["lead-a"]

    save_report_section(
        report_id=report.pk, actor=lead, section=ReportSection.OVERALL, loaded_version=0, apply=write_overall("一")
    )
    save_report_section(
        report_id=report.pk, actor=lead, section=ReportSection.OVERALL, loaded_version=1, apply=write_overall("二")
    )

    report.refresh_from_db()
    assert report.overall_narrative == "二"
    assert report.section_versions["overall"]["version"] == 2
    assert report.section_versions["overall"]["by"] == str(lead)
    assert list(
        AuditEvent.objects.filter(object_type="annual_reports.annualreport", actor=lead).values_list(
            "changes__version", flat=True
        )
    ) == [2, 1]


def test_a_stale_save_is_refused_and_writes_nothing(report, demo_users):
    lead, colleague = demo_users["lead-a"], lead_user(demo_users["lead-a"].organisation, username="colleague")
    save_report_section(
        report_id=report.pk, actor=colleague, section=ReportSection.TEAM, loaded_version=0, apply=write("team_size", 8)
    )

    with pytest.raises(StaleSection) as refused:
        save_report_section(
            report_id=report.pk, actor=lead, section=ReportSection.TEAM, loaded_version=0, apply=write("team_size", 9)
        )

    assert "运营团队的建设情况" in refused.value.message and str(colleague) in refused.value.message
    assert refused.value.version == 1
    report.refresh_from_db()
    assert report.team_size == 8 and report.section_versions["team"]["version"] == 1
    # Another section has its own version.
    save_report_section(
        report_id=report.pk,
        actor=lead,
        section=ReportSection.PLAN,
        loaded_version=0,
        apply=write("plan_narrative", "我"),
    )
    report.refresh_from_db()
    assert report.plan_narrative == "我" and report.team_size == 8


@pytest.mark.parametrize("username", ["lead-b", "jiangning", "city"])
def test_only_the_lead_units_users_fill_in_the_report(report, demo_users, username):
    with pytest.raises(DomainError, match="只有该联合体牵头单位的用户"):
        save_report_section(
            report_id=report.pk,
            actor=demo_users[username],
            section=ReportSection.OVERALL,
            loaded_version=0,
            apply=write_overall("不该写入"),
        )
    report.refresh_from_db()
    assert report.overall_narrative == "" and report.section_versions == {}


@pytest.mark.parametrize("status", [ReportStatus.SUBMITTED, ReportStatus.ACCEPTED])
def test_a_report_is_edited_only_while_to_fill_or_returned(report, demo_users, status):
    AnnualReport.objects.filter(pk=report.pk).update(status=status)

    def save_overall():
        save_report_section(
            report_id=report.pk,
            actor=demo_users["lead-a"],
            section=ReportSection.OVERALL,
            loaded_version=0,
            apply=write_overall("退回后修改"),
        )

    with pytest.raises(DomainError, match="不能修改或提交"):
        save_overall()
    report.refresh_from_db()
    assert report.overall_narrative == ""

    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.RETURNED)
    save_overall()
    report.refresh_from_db()
    assert report.overall_narrative == "退回后修改"


# --- Submitting ---------------------------------------------------------------------------------------------------


def assert_nothing_stored(report):
    report.refresh_from_db()
    assert report.status == ReportStatus.TO_FILL and report.submitted_at is None
    assert not ReportSubmission.objects.exists()
    assert not notifications().exists()
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.STATE_CHANGED).exists()


def test_an_empty_report_is_refused_with_every_missing_part_and_nothing_is_stored(report, demo_users):
    with pytest.raises(DomainError) as refused:
        submit_report(report_id=report.pk, actor=demo_users["lead-a"])

    message = refused.value.message
    for section in ReportSection:
        assert str(section.label) in message
    for part in (
        "运营团队人数",
        "引进人才（人）",
        "其中青年人才（人）",
        "攻关任务“攻关任务1”的进展状态",
        "攻关任务“攻关任务2”的进展状态",
    ):
        assert part in message
    assert_nothing_stored(report)


def test_spending_more_than_received_needs_an_explanation(report, demo_users):
    fill_in(report)
    line = report.funding_lines.get()
    line.received, line.spent_equipment = Decimal("50"), Decimal("60")  # 100 research + 60 equipment > 50
    line.save()

    with pytest.raises(DomainError) as refused:
        submit_report(report_id=report.pk, actor=demo_users["lead-a"])
    assert refused.value.message == (
        "以下部分尚未填写完整，不能提交："
        "资金投入使用和收益分配情况（南京示范半导体科技有限公司 支出超过实际到位资金的原因说明）。"
    )
    assert_nothing_stored(report)

    line.explanation = "上年结余资金用于设备购置。"
    line.save()
    submit_report(report_id=report.pk, actor=demo_users["lead-a"])


def test_a_task_without_a_status_is_refused(report, demo_users):
    fill_in(report)
    report.task_progress.filter(task__title="攻关任务2").update(status="")

    with pytest.raises(DomainError, match="攻关项目整体进展情况（攻关任务“攻关任务2”的进展状态）"):
        submit_report(report_id=report.pk, actor=demo_users["lead-a"])
    assert_nothing_stored(report)


def test_a_report_without_any_funding_line_is_refused(report, demo_users):
    fill_in(report)
    report.funding_lines.all().delete()

    with pytest.raises(DomainError, match="至少一条经费到位与使用情况"):
        submit_report(report_id=report.pk, actor=demo_users["lead-a"])
    assert_nothing_stored(report)


def test_a_complete_report_is_kept_as_submitted_and_announced_to_the_city_and_the_district(report, demo_users):
    fill_in(report)
    report.task_progress.filter(task__title="攻关任务1").update(status=TaskProgressStatus.DONE, patents=3)

    submission = submit_report(report_id=report.pk, actor=demo_users["lead-a"])

    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at == submission.submitted_at
    stored = ReportSubmission.objects.get()
    assert (stored.number, stored.submitted_by) == (1, demo_users["lead-a"])
    content = stored.content
    assert content["year"] == 2026 and content["consortium"]["id"] == report.consortium_id
    assert content["narratives"]["plan"] == "下年度工作计划：本年度情况说明。"
    assert content["team_size"] == 12 and content["talent"] == {
        "introduced": 0,
        "trained": 1,
        "high_level": 2,
        "young": 3,
    }
    (line,) = content["funding_lines"]
    assert (line["planned"], line["received"], line["spent"]["research"], line["spent_total"]) == (
        "100.00",
        "100.00",
        "100.00",
        "100.00",
    )
    assert [(t["task"]["title"], t["status"], t["results"]["patents"]) for t in content["tasks"]] == [
        ("攻关任务1", "done", 3),
        ("攻关任务2", "on_track", 0),
    ]
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.STATE_CHANGED)
    assert event.changes == {"action": "submit", "from": "to_fill", "to": "submitted", "reason": ""}
    told = set(notifications().values_list("recipient__username", flat=True))
    assert told == {"city", "jiangning"}
    assert "2026 年度报告（第 1 次提交）" in notifications().filter(recipient__username="city").get().body

    # The snapshot is never changed, and the submitted report is not submitted again.
    with pytest.raises(ValueError, match="append-only"):
        stored.save()
    with pytest.raises(DomainError, match="已提交"):
        submit_report(report_id=report.pk, actor=demo_users["lead-a"])
