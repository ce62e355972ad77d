"""Reports filled in and submitted through the services, with figures chosen so that a wrong sum, a swapped column
or a float shows: the campaign the export and the printed report are tested on."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from annual_reports.models import (
    NARRATIVES,
    AnnualReport,
    ReportCampaign,
    ReportJointProject,
    ReportReturn,
    ReportSection,
    ReportStatus,
)
from annual_reports.services import open_campaign, save_report_section, submit_report
from consortia.services import section_version
from tests.lifecycle.factories import organisation

from . import factories
from .factories import YEAR


@dataclass(frozen=True)
class Line:
    """A unit's money in 万元: planned comes from the filing's plan, the rest is typed in the report."""

    planned: str
    received: str
    research: str = "0"
    equipment: str = "0"
    personnel: str = "0"
    other: str = "0"
    explanation: str = ""
    returned: str | None = None  # returns distributed to the unit, if any


@dataclass(frozen=True)
class Task:
    status: str
    patents: int = 0
    standards: int = 0
    papers: int = 0
    products: int = 0
    note: str = ""


@dataclass(frozen=True)
class Entered:
    team_size: int
    talent: tuple[int, int, int, int]  # introduced, trained, high level, young
    lines: list[Line]  # the lead unit's first, then one per member
    tasks: list[Task]
    projects: list[tuple[str, str, str, str]] = field(default_factory=list)  # title, units, source, amount


def save(report: AnnualReport, actor, section: ReportSection, apply) -> None:
    report.refresh_from_db()
    save_report_section(
        report_id=report.pk,
        actor=actor,
        section=section,
        loaded_version=section_version(report, section).number,
        apply=apply,
    )


def _structured(report: AnnualReport, section: ReportSection, figures: Entered) -> None:
    """What ``figures`` gives the structured part of ``section``, written on the report the service locked."""
    if section == ReportSection.PARTNERS:
        for title, units, source, amount in figures.projects:
            ReportJointProject.objects.create(
                report=report, title=title, units=units, funding_source=source, amount=Decimal(amount)
            )
    elif section == ReportSection.TEAM:
        report.team_size = figures.team_size
    elif section == ReportSection.FUNDING:
        # The lead unit registered before its members, so its line comes first.
        lines = report.funding_lines.order_by("organisation_id").select_related("organisation")
        for line, typed in zip(lines, figures.lines, strict=True):
            assert line.planned == Decimal(typed.planned)  # pre-filled from the filing's plan
            line.received = Decimal(typed.received)
            for name in ("research", "equipment", "personnel", "other"):
                setattr(line, f"spent_{name}", Decimal(getattr(typed, name)))
            line.explanation = typed.explanation
            line.save()
            if typed.returned is not None:
                ReportReturn.objects.create(
                    report=report, organisation=line.organisation, amount=Decimal(typed.returned), note="按投入比例"
                )
    elif section == ReportSection.TASKS:
        for row, typed in zip(report.task_progress.order_by("task_id"), figures.tasks, strict=True):
            for name, value in vars(typed).items():
                setattr(row, name, value)
            row.save()
    elif section == ReportSection.TALENT:
        (report.talent_introduced, report.talent_trained, report.talent_high_level, report.talent_young) = (
            figures.talent
        )


def enter(report: AnnualReport, actor, figures: Entered, *, narrative: str = "本年度情况说明。") -> None:
    """Each of the seven sections saved on its own, as the pages will: its text and its structured part."""
    for section, name in NARRATIVES.items():

        def apply(live, section=section, name=name):
            setattr(live, name, f"{section.label}：{narrative}")
            _structured(live, section, figures)

        save(report, actor, section, apply)


def consortium_with_plan(*, lead, name: str, members: int, plans: list[str], tasks: int):
    """A running consortium with ``members`` member units and the year's funding plan: ``plans[0]`` 万元 for the
    lead unit, then one amount per member."""
    units = [organisation(name=f"{name}成员单位{number + 1}") for number in range(members)]
    consortium = factories.consortium(lead=lead, name=name, members=units, tasks=tasks)
    for unit, amount in zip([lead.organisation, *units], plans, strict=True):
        factories.plan(consortium, unit, YEAR, amount)
    return consortium


A_FIGURES = Entered(
    team_size=15,
    talent=(3, 5, 2, 4),
    lines=[
        # 30.1 + 20.2 + 10.25 + 0.1 = 60.65 received 80: no explanation needed.
        Line("100.00", "80.00", "30.10", "20.20", "10.25", "0.10", returned="12.50"),
        # Spent 51.3 of 50.2 received, explained — and the explanation starts like a formula.
        Line("50.00", "50.20", "40.00", "11.30", explanation="-上年结余资金1.1万元用于设备购置", returned="7.30"),
    ],
    tasks=[
        Task("done", patents=3, standards=1, papers=2, products=1, note="已通过验收"),
        Task("delayed", papers=4, note="@设备到货延迟"),
    ],
    projects=[
        ("车规级芯片联合攻关", "南京示范半导体科技有限公司\n南京市集成电路创新联合体成员单位1", "市科技计划", "30.00"),
        ("封装工艺验证平台", "南京市集成电路创新联合体成员单位1", "自筹", "45.50"),
    ],
)
B_FIGURES = Entered(
    team_size=6,
    talent=(1, 0, 0, 1),
    lines=[Line("80.00", "80.00", personnel="0.30", other="0.20")],
    tasks=[Task("on_track", patents=1)],
)
A_NAME = "南京市集成电路创新联合体"
B_NAME = '=HYPERLINK("http://example.com","点击")创新联合体'
C_NAME = "南京市未提交测试创新联合体"


@dataclass(frozen=True)
class Campaign:
    campaign: ReportCampaign
    submitted: AnnualReport  # A, submitted once
    returned: AnnualReport  # B, submitted, returned, then edited and not submitted again
    to_fill: AnnualReport  # C, figures typed in, never submitted


def campaign_with_reports(demo_users) -> Campaign:
    lead_a, lead_b = demo_users["lead-a"], demo_users["lead-b"]
    a = consortium_with_plan(lead=lead_a, name=A_NAME, members=1, plans=["100", "50"], tasks=2)
    b = consortium_with_plan(lead=lead_b, name=B_NAME, members=0, plans=["80"], tasks=1)
    c = consortium_with_plan(lead=lead_a, name=C_NAME, members=0, plans=["10"], tasks=1)
    campaign = open_campaign(year=YEAR, actor=demo_users["city"], today=date(YEAR, 11, 1))
    reports = {r.consortium_id: r for r in AnnualReport.objects.filter(campaign=campaign)}

    enter(reports[a.pk], lead_a, A_FIGURES)
    submit_report(report_id=reports[a.pk].pk, actor=lead_a)

    enter(reports[b.pk], lead_b, B_FIGURES)
    submit_report(report_id=reports[b.pk].pk, actor=lead_b)
    # The city's return is not built yet: the state it leaves the report in.
    AnnualReport.objects.filter(pk=reports[b.pk].pk).update(status=ReportStatus.RETURNED)

    def unsent(report):
        report.team_size = 99

    save(reports[b.pk], lead_b, ReportSection.TEAM, unsent)

    typed_only = Entered(team_size=7, talent=(9, 9, 9, 9), lines=[Line("10.00", "10.00", "5.00")], tasks=[Task("done")])
    enter(reports[c.pk], lead_a, typed_only)
    return Campaign(campaign, *(AnnualReport.objects.get(pk=reports[each.pk].pk) for each in (a, b, c)))
