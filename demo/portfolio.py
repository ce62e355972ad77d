"""The living demo's portfolio (issue 15): a consortium in every state of DESIGN §3, an open annual-report campaign
with a report in every status, change records, a provincial recognition, a revocation with its dishonesty record and
the notifications all of this sends — so that every demo account finds work on its home page.

Everything is made the way people make it: drafts through the editor's services, decisions through the door, older
consortia as paper filings through the importer, the end of a period by the daily job. The demo is the portal's own
behaviour, never rows written around it. Each consortium is made once (by its name), so a second run changes nothing.
"""

import copy
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from annual_reports import services as reports
from annual_reports.models import (
    NARRATIVES,
    TALENT_COUNTS,
    AnnualReport,
    ReportCampaign,
    ReportChangeExplanation,
    ReportSection,
    ReportStatus,
    TaskProgressStatus,
)
from annual_reports.selectors import period_changes
from consortia import changes, services
from consortia.eligibility.periods import latest_end
from consortia.lifecycle.jobs import expire_due_consortia
from consortia.lifecycle.services import completion, recognition, revocation
from consortia.models import Consortium, Document, FundingLine, ResearchTask, Section
from consortia.services import section_version
from monitoring import jobs as export_jobs
from monitoring import services as exports
from monitoring.models import ExportJob, Format, Sheet
from portal.models import IndustryField, Organisation, PlatformCategory, User
from portal.pdf import render_pdf
from reviews.imports import import_filing
from reviews.services import review_filing

from . import data


class Demo:
    """The demo accounts by username, today, and the documents the demo's units sign."""

    def __init__(self, users: dict[str, User]):
        self.users = users
        self.today = timezone.localdate()

    def lead_user(self, uscc: str) -> User:
        return next(user for user in self.users.values() if user.organisation and user.organisation.uscc == uscc)

    def district_officer(self, consortium: Consortium) -> User:
        authority = consortium.lead_organisation.jurisdiction_id
        return next(user for user in self.users.values() if user.authority_id == authority)

    @property
    def city(self) -> User:
        return self.users["city"]

    def pdf(self, title: str, consortium: Consortium, *, lines=()) -> SimpleUploadedFile:
        """A signed document of the consortium as a real PDF (its hash is what ``verify_documents`` checks)."""
        content = render_pdf(
            "demo/document.html",
            {"title": title, "consortium": consortium, "lines": lines, "date": self.today},
            key=f"demo:{title}:{consortium.name}",
        )
        return SimpleUploadedFile(f"{title}.pdf", content, content_type="application/pdf")


# --- Filing in the portal --------------------------------------------------------------------------------------------


def _save(consortium: Consortium, user: User, section: str, apply) -> None:
    services.save_section(
        consortium_id=consortium.pk,
        actor=user,
        section=section,
        loaded_version=section_version(Consortium.objects.get(pk=consortium.pk), section).number,
        apply=apply,
    )


def _write_basic(document: dict, start: date, end: date):
    def apply(consortium: Consortium) -> None:
        consortium.field = IndustryField.objects.get(code=document["field"])
        consortium.technology_kinds = document["technology_kinds"]
        consortium.summary = document["summary"]
        consortium.goals = "；".join(task["objectives"] for task in document["tasks"]) or document["summary"]
        consortium.planned_start, consortium.planned_end = start, end

    return apply


def _write_lead(organisation: Organisation, head: str):
    def apply(consortium: Consortium) -> None:
        lead = consortium.lead
        lead.head = head
        if organisation.kind == Organisation.Kind.ENTERPRISE:
            lead.revenue_prev_year, lead.rd_expense_prev_year = Decimal(52000), Decimal(3100)
        if organisation.kind == Organisation.Kind.PLATFORM:
            lead.platform_level = "provincial"
            lead.platform_category = PlatformCategory.objects.get(code="technology-innovation-centre")
        lead.save()

    return apply


def _write_members(members: list[dict]):
    def apply(consortium: Consortium) -> None:
        for member in members:
            organisation = services.find_or_create_member_organisation(
                uscc=member["uscc"], name=member["name"], kind=member["kind"]
            )
            services.add_member(
                consortium=consortium,
                organisation=organisation,
                details={
                    "chain_position": member["chain_position"],
                    "independent_legal_entity": member["independent_legal_entity"],
                    "capability": member["capability"],
                    "role": member["role"],
                },
            )

    return apply


def _write_governance(governance: dict, head: str):
    def apply(consortium: Consortium) -> None:
        row = consortium.governance
        row.has_council = governance["council"]
        row.council_chair = head
        row.council_chair_is_lead_head = governance["council_chair_is_lead_head"]
        row.chief_experts = "\n".join(governance["chief_experts"])
        row.advisory_committee = "\n".join(governance["advisory_committee"])
        row.operating_mechanism = "理事会每半年召开一次会议，决定年度攻关计划和经费安排；知识产权按协议约定归属和共享。"
        row.save()

    return apply


def _write_tasks(tasks: list[dict]):
    def apply(consortium: Consortium) -> None:
        units = [consortium.lead_organisation, *(m.organisation for m in consortium.memberships.all()[:1])]
        for task in tasks:
            row = ResearchTask.objects.create(
                consortium=consortium,
                title=task["title"],
                kind=task["kind"],
                objectives=task["objectives"],
                indicators=task["indicators"],
                milestones="\n".join(task["milestones"]),
            )
            row.responsible_units.set(units)

    return apply


def _write_funding(consortium: Consortium) -> None:
    for offset, year in enumerate(range(consortium.planned_start.year, consortium.planned_end.year + 1)):
        FundingLine.objects.create(
            consortium=consortium,
            organisation=consortium.lead_organisation,
            year=year,
            self_raised=Decimal(800 + 200 * offset),
            government=Decimal(100),
            financial=Decimal(300),
        )


def _write_agreement(signed_on: date):
    def apply(consortium: Consortium) -> None:
        consortium.agreement_signed_on = signed_on
        consortium.agreement_all_parties_signed = True

    return apply


def file_draft(demo: Demo, lead_uscc: str, document: dict, *, complete: bool = True) -> Consortium:
    """A filing made by the lead unit's user section by section, as the editor saves it; ``complete`` False stops
    after the basic facts, the lead unit and the members (a draft being filled in)."""
    user = demo.lead_user(lead_uscc)
    consortium = services.create_filing(actor=user, name=document["name"])
    start = date(demo.today.year + 1, 1, 1)
    _save(consortium, user, Section.BASIC, _write_basic(document, start, latest_end(start, 3)))
    head = user.get_full_name() or user.username
    _save(consortium, user, Section.LEAD, _write_lead(user.organisation, head))
    _save(consortium, user, Section.MEMBERS, _write_members(document["members"]))
    if not complete:
        return consortium
    _save(consortium, user, Section.GOVERNANCE, _write_governance(document["governance"], head))
    _save(consortium, user, Section.TASKS, _write_tasks(document["tasks"]))
    _save(consortium, user, Section.FUNDING, _write_funding)
    consortium.refresh_from_db()
    services.upload_document(
        consortium_id=consortium.pk,
        actor=user,
        kind=Document.Kind.FORMATION_AGREEMENT,
        uploaded_file=demo.pdf("组建协议", consortium, lines=[m["name"] for m in document["members"]]),
        loaded_version=section_version(consortium, Section.DOCUMENTS).number,
    )
    _save(consortium, user, Section.DOCUMENTS, _write_agreement(demo.today - timedelta(days=20)))
    return consortium


def _submit(demo: Demo, consortium: Consortium) -> None:
    services.submit_filing(consortium_id=consortium.pk, actor=demo.lead_user(consortium.lead_organisation.uscc))


def _review(demo: Demo, consortium: Consortium, officer: User, decision: str, comment: str, **extra) -> None:
    consortium.refresh_from_db()
    review_filing(
        consortium_id=consortium.pk,
        actor=officer,
        decision=decision,
        comment=comment,
        expected_status=consortium.status,
        **extra,
    )


def _recommended(demo: Demo, consortium: Consortium) -> None:
    _submit(demo, consortium)
    _review(
        demo,
        consortium,
        demo.district_officer(consortium),
        "recommend",
        "经初审，牵头单位和参与单位条件符合指引要求，同意推荐。",
    )


def _answer_return(demo: Demo, consortium: Consortium) -> None:
    """The lead unit adds the testing member the district asked for and resubmits: the comparison shows it."""
    user = demo.lead_user(consortium.lead_organisation.uscc)
    _save(consortium, user, Section.MEMBERS, _write_members([data.UNITS["testing"]]))
    _submit(demo, consortium)


def take_filing_to(demo: Demo, state: str, consortium: Consortium) -> None:
    """Take a complete draft to the state ``data.FILED_IN_PORTAL`` names it by."""
    if state == "resubmitted":
        _submit(demo, consortium)
        _review(
            demo,
            consortium,
            demo.district_officer(consortium),
            "return",
            "请补充具备检测认证能力的参与单位，并说明封装可靠性验证的安排。",
            section_comments={Section.MEMBERS: "缺少检测认证环节的参与单位。"},
        )
        _answer_return(demo, consortium)
    elif state == "district_review":
        _submit(demo, consortium)
    elif state == "city_review":
        _recommended(demo, consortium)
    elif state == "returned":
        _recommended(demo, consortium)
        _review(
            demo,
            consortium,
            demo.city,
            "return",
            "攻关任务的考核指标需量化到年度，请修改后重新提交。",
            section_comments={Section.TASKS: "请补充分年度的考核指标。"},
        )
    elif state == "rejected":
        _submit(demo, consortium)
        _review(
            demo,
            consortium,
            demo.district_officer(consortium),
            "not_recommend",
            "攻关方向与本区产业布局重合度低，建议调整攻关方向后另行申报，本次不予推荐。",
        )
    elif state.startswith("approved"):
        _recommended(demo, consortium)
        _review(demo, consortium, demo.city, "approve", "同意备案。")


def file_in_portal(demo: Demo, state: str, lead_uscc: str, document: dict) -> Consortium:
    if state == "withdrawn":
        consortium = file_draft(demo, lead_uscc, document, complete=False)
        services.withdraw_filing(consortium_id=consortium.pk, actor=demo.lead_user(lead_uscc))
    elif state == "draft":
        consortium = file_draft(demo, lead_uscc, document, complete=False)
    else:
        consortium = file_draft(demo, lead_uscc, document)
        take_filing_to(demo, state, consortium)
    return Consortium.objects.get(pk=consortium.pk)


# --- Paper filings and their lives -----------------------------------------------------------------------------------


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def paper_record(demo: Demo, facts: dict) -> dict:
    """The ``record`` of a paper filing: a period ending ``ends_in`` days from today, at most three years long, filed
    a week before it started (``years_ago``: started so many years ago, if that is later)."""
    end = demo.today + timedelta(days=facts["ends_in"])
    start = _years_before(end + timedelta(days=1), 3)
    if "years_ago" in facts:
        start = max(start, _years_before(demo.today, facts["years_ago"]))
    filed_on = start - timedelta(days=7)
    return {
        "filing_number": f"宁创联备〔{filed_on.year}〕{facts['number']:03d}号",
        "status": "active",
        "filed_on": filed_on.isoformat(),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
    }


def _paper_document(demo: Demo, lead: str | dict, facts: dict, document: dict) -> dict:
    document = copy.deepcopy(document)
    if isinstance(lead, dict):
        document["lead"] = lead
    else:
        organisation = Organisation.objects.get(uscc=lead)
        document["lead"] = {
            "name": organisation.name,
            "uscc": organisation.uscc,
            "kind": organisation.kind,
            "jurisdiction": organisation.jurisdiction.code,
            "head": demo.lead_user(lead).get_full_name(),
            "revenue_prev_year": 52000,
            "rd_expense_prev_year": 3100,
            "platform": (
                {"level": "provincial", "category": "technology-innovation-centre"}
                if organisation.kind == Organisation.Kind.PLATFORM
                else None
            ),
        }
    record = paper_record(demo, facts)
    document["period"] = record["period"]
    document["agreement"]["signed_on"] = (date.fromisoformat(record["filed_on"]) - timedelta(days=30)).isoformat()
    document["record"] = record
    return document


def import_paper_filing(demo: Demo, key: str, lead, facts: dict, document: dict) -> Consortium:
    document = _paper_document(demo, lead, facts, document)
    import_filing(document=document, file_name=f"纸质备案/{key}.json", actor=demo.city)
    return Consortium.objects.get(filing_number=document["record"]["filing_number"])


def end_of_life(demo: Demo, key: str, consortium: Consortium) -> None:
    """The paper filings whose lives go on in the portal: changes, recognition, completion, revocation, expiry."""
    if key == "reporting_accepted":
        user = demo.lead_user(consortium.lead_organisation.uscc)
        member = data.UNITS["testing"]
        changes.record_member_joined(
            consortium_id=consortium.pk,
            actor=user,
            uscc=member["uscc"],
            name=member["name"],
            kind=member["kind"],
            capability=member["capability"],
            role=member["role"],
            independent_legal_entity=True,
            chain_position=member["chain_position"],
            effective_on=change_date(demo),
            explanation="为开展外延装备的第三方检测验证，经理事会决议吸收检测认证单位加入。",
            agreement=demo.pdf("补充协议（新增参与单位）", consortium, lines=[member["name"]]),
        )
        recognition.record_provincial_recognition(
            consortium_id=consortium.pk,
            actor=demo.city,
            recognised_on=demo.today - timedelta(days=10),
            document=demo.pdf("省级创新联合体认定文件", consortium),
            document_number=f"苏科技函〔{demo.today.year}〕18号",
            note="列入江苏省创新联合体培育名单。",
        )
    elif key == "expired":
        expire_due_consortia(today=demo.today)
    elif key == "completed":
        user = demo.lead_user(consortium.lead_organisation.uscc)
        declaration = completion.declare_completion(
            consortium_id=consortium.pk,
            actor=user,
            summary="原子磁力计样机灵敏度达到 8 飞特斯拉，体积 6 立方厘米，攻关任务已全部完成并通过专家验收。",
            attachments=[demo.pdf("任务完成情况报告", consortium)],
        )
        completion.confirm_completion(
            consortium_id=consortium.pk,
            declaration_id=declaration.pk,
            actor=demo.city,
            comment="经核查，同意确认任务完成。",
        )
    elif key == "revoked":
        revocation.revoke_consortium(
            consortium_id=consortium.pk,
            actor=demo.city,
            reason="经查实，牵头单位在备案材料中虚报上一年度研发投入，情节严重，取消备案资格。",
            evidence=[demo.pdf("核查报告", consortium)],
            valid_from=demo.today,
            valid_until=_years_before(demo.today, -3),
        )


def change_date(demo: Demo) -> date:
    """A day in the campaign's year, before today: the change the year's report explains."""
    year = campaign_year(demo.today)
    return demo.today - timedelta(days=30) if year == demo.today.year else date(year, 11, 15)


# --- The annual-report campaign --------------------------------------------------------------------------------------


def campaign_year(today: date) -> int:
    """The year being reported on: this year from July (the campaign runs to 31 December), else last year."""
    return today.year if today.month >= 7 else today.year - 1


def open_campaign(demo: Demo) -> ReportCampaign:
    year = campaign_year(demo.today)
    existing = ReportCampaign.objects.filter(year=year).first()
    if existing is not None:
        return existing
    deadline = max(date(year, 12, 31), demo.today + timedelta(days=30))
    return reports.open_campaign(year=year, deadline=deadline, actor=demo.city)


def _fill_report(report: AnnualReport, user: User) -> None:
    """Every one of the seven sections, saved one by one as the editor saves them."""

    def save(section: str, apply) -> None:
        current = AnnualReport.objects.get(pk=report.pk)
        reports.save_report_section(
            report_id=report.pk,
            actor=user,
            section=section,
            loaded_version=section_version(current, section).number,
            apply=apply,
        )

    texts = {
        ReportSection.OVERALL: "本年度联合体按计划推进建设，召开理事会 2 次，完成年度攻关任务的主要节点。",
        ReportSection.PARTNERS: "各参与单位按分工开展研发，联合申请发明专利 12 项，开展技术交流 6 次。",
        ReportSection.TEAM: "设立运营办公室，配备专职人员负责项目管理和成果转化。",
        ReportSection.FUNDING: "资金按计划到位，主要用于研发、设备购置和人员费用。",
        ReportSection.TASKS: "攻关任务进展顺利，关键指标达到年度目标。",
        ReportSection.TALENT: "联合培养研究生 15 名，引进高层次人才 3 名。",
        ReportSection.PLAN: "下一年度将完成样机验证并开展示范应用。",
    }

    def overall(row: AnnualReport) -> None:
        row.overall_narrative = texts[ReportSection.OVERALL]
        for change, _text in period_changes(row):
            ReportChangeExplanation.objects.update_or_create(
                report=row, change=change, defaults={"text": "新增检测认证单位，承担第三方验证，补充协议已签署。"}
            )

    def funding(row: AnnualReport) -> None:
        row.funding_narrative = texts[ReportSection.FUNDING]
        if not row.funding_lines.exists():
            row.funding_lines.create(
                organisation=row.consortium.lead_organisation,
                planned=Decimal(1000),
                received=Decimal(900),
                spent_research=Decimal(500),
                spent_equipment=Decimal(200),
                spent_personnel=Decimal(150),
            )

    def tasks(row: AnnualReport) -> None:
        row.tasks_narrative = texts[ReportSection.TASKS]
        row.task_progress.update(status=TaskProgressStatus.ON_TRACK, patents=3, papers=5)

    def team(row: AnnualReport) -> None:
        row.team_narrative, row.team_size = texts[ReportSection.TEAM], 12

    def talent(row: AnnualReport) -> None:
        row.talent_narrative = texts[ReportSection.TALENT]
        for count, name in zip((3, 15, 3, 9), TALENT_COUNTS, strict=True):
            setattr(row, name, count)

    def narrative(section: str):
        return lambda row: setattr(row, NARRATIVES[section], texts[section])

    structured = {
        ReportSection.OVERALL: overall,
        ReportSection.FUNDING: funding,
        ReportSection.TASKS: tasks,
        ReportSection.TEAM: team,
        ReportSection.TALENT: talent,
    }
    for section in ReportSection:
        save(section, structured.get(section) or narrative(section))


REPORT_OUTCOMES = {
    "reporting_accepted": ReportStatus.ACCEPTED,
    "reporting_submitted": ReportStatus.SUBMITTED,
    "reporting_returned": ReportStatus.RETURNED,
}


def take_report_to(demo: Demo, consortium: Consortium, campaign: ReportCampaign, status: str) -> None:
    report = AnnualReport.objects.get(campaign=campaign, consortium=consortium)
    user = demo.lead_user(consortium.lead_organisation.uscc)
    _fill_report(report, user)
    reports.submit_report(report_id=report.pk, actor=user)
    if status == ReportStatus.SUBMITTED:
        reports.comment_on_report(
            report_id=report.pk, actor=demo.district_officer(consortium), text="经核实，经费到位情况属实。"
        )
    elif status == ReportStatus.ACCEPTED:
        reports.accept_report(report_id=report.pk, actor=demo.city, reason="报告内容完整，予以通过。")
    elif status == ReportStatus.RETURNED:
        reports.return_report(report_id=report.pk, actor=demo.city, reason="请补充各参与单位的经费到位明细和专利清单。")


# --- The whole portfolio ---------------------------------------------------------------------------------------------


def _export_for_admin(demo: Demo) -> None:
    """The administrator's export of the portfolio, run as the worker runs it: the admin is told it is ready."""
    admin = demo.users["admin"]
    if ExportJob.objects.filter(requested_by=admin).exists():
        return
    job = exports.queue_export(
        user=admin, filters="", sheet=Sheet.CONSORTIA, format=Format.XLSX, rows=Consortium.objects.count()
    )
    export_jobs.run_export_job(job_id=job.pk)


def seed_portfolio(users: list[User]) -> list[Consortium]:
    """Make what is missing of the demo portfolio; returns the consortia made this time (none on a second run)."""
    demo = Demo({user.username: user for user in users})
    made = []
    with transaction.atomic():
        for state, (lead, document) in data.FILED_IN_PORTAL.items():
            if not Consortium.objects.filter(name=document["name"]).exists():
                made.append(file_in_portal(demo, state, lead, document))
        imported = {
            key: import_paper_filing(demo, key, lead, facts, document)
            for key, (lead, facts, document) in data.PAPER_FILINGS.items()
            if not Consortium.objects.filter(name=document["name"]).exists()
        }
        for key, consortium in imported.items():
            end_of_life(demo, key, consortium)
        if imported:
            campaign = open_campaign(demo)
            for key, status in REPORT_OUTCOMES.items():
                if key in imported:
                    take_report_to(demo, imported[key], campaign, status)
        made += imported.values()
    _export_for_admin(demo)
    return made
