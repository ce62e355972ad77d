"""The annual report's state machine: its transition table and the steps it registers, run by the same engine as
the consortium's (``consortia.workflow.door.take_action``). The lead unit submits (again, after a return); city staff
accept or return a submitted report, with the reason the lead unit is told."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consortia import recipients
from consortia.permissions import acting_role
from consortia.workflow.machine import Machine
from consortia.workflow.steps import Action, step
from consortia.workflow.transitions import Transition
from portal.exceptions import DomainError
from portal.models import Role
from portal.services import notify

from .models import AnnualReport, ReportEvent, ReportStatus, ReportSubmission
from .permissions import report_edit_refusal
from .selectors import report_checklist
from .snapshots import report_content

# Steps (the names share the consortium's registry, hence the prefix).
REPORT_SNAPSHOT = "report_snapshot"  # completeness and the immutable ReportSubmission
REPORT_SUBMISSION_ANNOUNCED = "report_submission_announced"
REPORT_DECISION_ANNOUNCED = "report_decision_announced"

_LEAD, _CITY = frozenset({Role.LEAD_UNIT}), frozenset({Role.CITY_STAFF})
_SUBMIT = {"steps": (REPORT_SNAPSHOT,), "announcements": (REPORT_SUBMISSION_ANNOUNCED,)}
_DECIDE = {"announcements": (REPORT_DECISION_ANNOUNCED,)}

REPORT_TRANSITIONS: dict[tuple[str, str], Transition] = {
    (t.source, t.action): t
    for t in [
        Transition(
            ReportStatus.TO_FILL, "submit", ReportStatus.SUBMITTED, _LEAD, gettext_lazy("提交年度报告"), **_SUBMIT
        ),
        Transition(ReportStatus.RETURNED, "submit", ReportStatus.SUBMITTED, _LEAD, gettext_lazy("重新提交"), **_SUBMIT),
        Transition(ReportStatus.SUBMITTED, "accept", ReportStatus.ACCEPTED, _CITY, gettext_lazy("通过"), **_DECIDE),
        Transition(
            ReportStatus.SUBMITTED,
            "return",
            ReportStatus.RETURNED,
            _CITY,
            gettext_lazy("退回修改"),
            needs_reason=True,
            **_DECIDE,
        ),
    ]
}

REPORT = Machine(
    model=AnnualReport,
    transitions=REPORT_TRANSITIONS,
    event_model=ReportEvent,
    event_key="report",
    not_visible=gettext_lazy("您无权办理该年度报告。"),
    moved=gettext_lazy("该年度报告的状态已变为“%(status)s”，可能已有他人先行办理。请刷新页面后查看。"),
    wrong_state=gettext_lazy("年度报告处于“%(status)s”状态，不能执行该操作。"),
    wrong_role=gettext_lazy("您的角色不能对该年度报告执行“%(action)s”。"),
    work_key=lambda status, report_id: f"report:{status}:{report_id}",
)


def report_decisions(user, report: AnnualReport) -> list[Transition]:
    """What ``user`` may decide on ``report`` now (city staff: accept or return a submitted one), for the page."""
    role = acting_role(user)
    return [
        t for t in REPORT_TRANSITIONS.values() if t.source == report.status and role in t.roles and t.action != "submit"
    ]


@step(REPORT_SNAPSHOT)
def take_report_snapshot(action: Action) -> ReportSubmission:
    """Refuse while any of the seven contents lacks a required part; otherwise keep exactly what was submitted."""
    report = action.subject
    # The table lets any lead unit's user submit; the report is only its own lead unit's.
    refusal = report_edit_refusal(action.actor, report)
    if refusal:
        raise DomainError(refusal)
    incomplete = [status for status in report_checklist(report) if not status.complete]
    if incomplete:
        raise DomainError(
            _("以下部分尚未填写完整，不能提交：%(sections)s。")
            % {"sections": "；".join(f"{status.label}（{'、'.join(status.missing)}）" for status in incomplete)}
        )
    submission = ReportSubmission.objects.create(
        report=report,
        number=report.submissions.count() + 1,
        submitted_by=action.actor,
        content=report_content(report),
    )
    report.submitted_at = submission.submitted_at
    return submission


@step(REPORT_SUBMISSION_ANNOUNCED)
def announce_submission(action: Action) -> None:
    report, submission = action.subject, action.results[REPORT_SNAPSHOT]
    consortium = report.consortium
    notify(
        recipients=[*recipients.district_officers(consortium), *recipients.city_staff()],
        subject=_("年度报告已提交：%(name)s") % {"name": consortium.name},
        body=_("%(lead)s 提交了“%(name)s”的 %(year)s 年度报告（第 %(number)d 次提交），请登录平台查阅。")
        % {
            "lead": consortium.lead_organisation.name,
            "name": consortium.name,
            "year": report.campaign.year,
            "number": submission.number,
        },
        link=reverse("annual_reports:report", args=[report.pk]),
        # The reviewers' work until the city decides: finished by the door when the report leaves "submitted".
        work_key=REPORT.work_key(ReportStatus.SUBMITTED, report.pk),
    )


@step(REPORT_DECISION_ANNOUNCED)
def announce_decision(action: Action) -> None:
    """The lead unit is told what the city decided, with its reason (a returned report says what to revise)."""
    report, decision = action.subject, action.transition.label
    consortium = report.consortium
    body = _("市科技局对“%(name)s”的 %(year)s 年度报告的处理结果：%(decision)s。") % {
        "name": consortium.name,
        "year": report.campaign.year,
        "decision": decision,
    }
    if action.reason:
        body += _("意见：%(reason)s") % {"reason": action.reason}
    notify(
        recipients=recipients.lead_unit_users(consortium),
        subject=_("年度报告%(decision)s：%(name)s") % {"decision": decision, "name": consortium.name},
        body=body,
        link=reverse("annual_reports:report", args=[report.pk]),
    )
