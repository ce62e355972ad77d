"""A portal whose every user-entered text is a script payload, for the escaping test (tests/e2e/test_xss.py).

Built through the services and the test factories, as users would leave it: a filing the city returned (editable
again), a filing returned by the district, revised, resubmitted and approved (with a change record, a declined and a
pending completion declaration, a provincial recognition and a returned annual report with remarks), a revoked
consortium with its dishonesty records, and one about to expire. Each text is a payload that names its field (the
tag), so a dialog says which text was not escaped, and ``World.payloads`` lets the test find each text on its page.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from annual_reports.models import (
    AnnualReport,
    ReportChangeExplanation,
    ReportJointProject,
    ReportReturn,
    ReportSection,
    TaskProgressStatus,
)
from annual_reports.services import (
    comment_on_report,
    open_campaign,
    return_report,
    save_report_section,
    submit_report,
)
from consortia.changes import record_change
from consortia.lifecycle.services.completion import declare_completion, decline_completion
from consortia.lifecycle.services.recognition import record_provincial_recognition
from consortia.lifecycle.services.revocation import end_dishonesty_record, revoke_consortium
from consortia.models import (
    ChangeRecord,
    CompletionDeclaration,
    Consortium,
    DishonestyRecord,
    Document,
    Governance,
    LeadUnit,
    Membership,
    ResearchTask,
    Section,
)
from consortia.services import save_section, section_version, submit_filing
from portal.models import Organisation, User
from reviews.services import review_filing
from tests import factories
from tests.lifecycle.factories import active_consortium

# Breaking out of an element, of a double-quoted and of a single-quoted attribute. ``{tag}`` names the field.
PAYLOADS = (
    '<script>alert("{tag}")</script>',
    '"><img src=x onerror=alert("{tag}")>',
    '\'><svg onload=alert("{tag}")>',
)
# For file names: an upload's name loses everything up to its last "/".
FILE_PAYLOAD = '"><img src=x onerror=alert("{tag}")>.pdf'


@dataclass
class World:
    returned: Consortium  # returned by the city: the lead unit's editor is open again
    approved: Consortium  # returned by the district, revised, resubmitted, approved
    revoked: Consortium
    expiring: Consortium
    report: AnnualReport  # the approved consortium's, returned by the city
    member: Membership  # one of the returned filing's members
    declined: CompletionDeclaration
    pending: CompletionDeclaration
    record_in_force: DishonestyRecord
    payloads: dict[str, str] = field(default_factory=dict)  # tag → the text stored


class Writer:
    """Hands out the payloads, in turn, and remembers which text went to which field."""

    def __init__(self):
        self.payloads: dict[str, str] = {}

    def __call__(self, tag: str) -> str:
        text = PAYLOADS[len(self.payloads) % len(PAYLOADS)].format(tag=tag)
        return self.keep(tag, text)

    def file(self, tag: str) -> str:
        return self.keep(tag, FILE_PAYLOAD.format(tag=tag))

    def keep(self, tag: str, text: str) -> str:
        assert tag not in self.payloads, tag
        self.payloads[tag] = text
        return text


def _upload(p: Writer, tag: str):
    return factories.pdf_upload(p.file(tag))


def _payload_filing(p: Writer, *, lead: User, prefix: str, seed: int) -> Consortium:
    """``factories.complete_filing`` with every free text of its sections a payload."""
    members = [
        factories.organisation(seed, kind="university", name=p(f"{prefix}.m1.name")),
        factories.organisation(seed + 1, name=p(f"{prefix}.m2.name")),
    ]
    consortium = factories.complete_filing(lead_user=lead, name=p(f"{prefix}.name"), seed=seed, members=members)
    Consortium.objects.filter(pk=consortium.pk).update(summary=p(f"{prefix}.summary"), goals=p(f"{prefix}.goals"))
    LeadUnit.objects.filter(consortium=consortium).update(head=p(f"{prefix}.head"))
    Governance.objects.filter(consortium=consortium).update(
        council_chair_is_lead_head=False,
        council_chair=p(f"{prefix}.chair"),
        chief_experts=p(f"{prefix}.expert1") + "\n" + p(f"{prefix}.expert2"),
        advisory_committee=p(f"{prefix}.advisor"),
        operating_mechanism=p(f"{prefix}.mechanism"),
    )
    for number, membership in enumerate(consortium.memberships.all(), start=1):
        membership.capability = p(f"{prefix}.m{number}.capability")
        membership.role = p(f"{prefix}.m{number}.role")
        membership.save()
    ResearchTask.objects.filter(consortium=consortium).update(
        title=p(f"{prefix}.task.title"),
        objectives=p(f"{prefix}.task.objectives"),
        indicators=p(f"{prefix}.task.indicators"),
        milestones=p(f"{prefix}.task.milestones"),
    )
    Document.objects.filter(consortium=consortium).update(original_name=p.file(f"{prefix}.document"))
    submit_filing(consortium_id=consortium.pk, actor=lead)
    return consortium


def _review(consortium: Consortium, actor: User, decision: str, comment: str, *, remarks: dict | None = None):
    status = Consortium.objects.get(pk=consortium.pk).status
    review_filing(
        consortium_id=consortium.pk,
        actor=actor,
        decision=decision,
        comment=comment,
        section_comments=remarks or {},
        expected_status=status,
    )


def _remarks(p: Writer, prefix: str) -> dict[str, str]:
    return {section: p(f"{prefix}.{section}") for section in Section.values}


def _revise(consortium: Consortium, actor: User, section: str, apply) -> None:
    save_section(
        consortium_id=consortium.pk,
        actor=actor,
        section=section,
        loaded_version=section_version(Consortium.objects.get(pk=consortium.pk), section).number,
        apply=apply,
    )


def _fill_report(p: Writer, report: AnnualReport, lead: User) -> None:
    """The seven sections saved through the editor's service, each text a payload."""

    def save(section: str, apply) -> None:
        version = AnnualReport.objects.get(pk=report.pk).section_versions.get(section, {}).get("version", 0)
        save_report_section(report_id=report.pk, actor=lead, section=section, loaded_version=version, apply=apply)

    def narrative(section: str, also=None):
        def apply(current: AnnualReport) -> None:
            setattr(current, f"{section}_narrative", p(f"report.{section}"))
            if also:
                also(current)

        return apply

    def explain_changes(current):
        for change in current.consortium.change_records.all():
            ReportChangeExplanation.objects.create(report=current, change=change, text=p("report.change"))

    def projects(current):
        ReportJointProject.objects.create(
            report=current,
            title=p("report.project.title"),
            units=p("report.project.unit1") + "\n" + p("report.project.unit2"),
            funding_source=p("report.project.source"),
            amount=Decimal("10"),
        )

    def team(current):
        current.team_size = 12

    def funding(current):
        for line in current.funding_lines.all():
            line.received = line.planned
            line.spent_research = line.planned + 1  # more than received: explained
            line.explanation = p("report.funding.explanation")
            line.save()
        ReportReturn.objects.create(
            report=current,
            organisation=current.consortium.lead_organisation,
            amount=Decimal("5"),
            note=p("report.return.note"),
        )

    def tasks(current):
        for progress in current.task_progress.all():
            progress.status = TaskProgressStatus.ON_TRACK
            progress.note = p("report.task.note")
            progress.save()

    def talent(current):
        current.talent_introduced, current.talent_trained, current.talent_high_level, current.talent_young = 4, 3, 2, 1

    extras = {
        "overall": explain_changes,
        "partners": projects,
        "team": team,
        "funding": funding,
        "tasks": tasks,
        "talent": talent,
    }
    for section in ReportSection.values:
        save(section, narrative(section, extras.get(section)))


def build_world(users: dict[str, User]) -> World:
    p = Writer()
    today = timezone.localdate()
    lead, lead_b, district, city = users["lead-a"], users["lead-b"], users["jiangning"], users["city"]

    # Who the users are (the lead unit's typed at registration, the officers' by the administrator) and the lead
    # unit's organisation.
    for user, tag in ((lead, "user.name"), (district, "district.user"), (city, "city.user")):
        user.last_name = p(tag)
        user.save()
    Organisation.objects.filter(pk=lead.organisation_id).update(
        name=p("org.name"),
        address=p("org.address"),
        contact_name=p("org.contact"),
        contact_phone=p.keep("org.phone", PAYLOADS[2].format(tag="ph")),  # 32 characters at most
        contact_email=p("org.email"),
    )
    Organisation.objects.filter(pk=lead_b.organisation_id).update(name=p("orgb.name"))

    # The district recommends, the city returns it with its remarks: the lead unit may edit it again.
    returned = _payload_filing(p, lead=lead, prefix="r", seed=7100)
    _review(returned, district, "recommend", p("r.district"), remarks=_remarks(p, "r.district"))
    _review(returned, city, "return", p("r.city"), remarks=_remarks(p, "r.city"))

    # Returned by the district, revised (so the comparison shows texts before and after), resubmitted and approved.
    approved = _payload_filing(p, lead=lead, prefix="c", seed=7200)
    _review(approved, district, "return", p("c.return"), remarks=_remarks(p, "c.return"))

    def revise_basic(consortium):
        consortium.summary, consortium.goals = p("c.summary2"), p("c.goals2")

    def revise_tasks(consortium):
        consortium.tasks.update(milestones=p("c.task.milestones2"))

    _revise(approved, lead, "basic", revise_basic)
    _revise(approved, lead, "tasks", revise_tasks)
    submit_filing(consortium_id=approved.pk, actor=lead)
    _review(approved, district, "recommend", p("c.recommend"))
    _review(approved, city, "approve", p("c.approve"))

    record_change(
        consortium_id=approved.pk,
        actor=lead,
        kind=ChangeRecord.Kind.STRATEGIC_PLAN,
        effective_on=today,
        explanation=p("change.explanation"),
        agreement=_upload(p, "change.agreement"),
    )
    declined = declare_completion(
        consortium_id=approved.pk, actor=lead, summary=p("declined.summary"), attachments=[_upload(p, "declined.file")]
    )
    decline_completion(consortium_id=approved.pk, declaration_id=declined.pk, actor=city, reason=p("declined.reason"))
    pending = declare_completion(
        consortium_id=approved.pk, actor=lead, summary=p("pending.summary"), attachments=[_upload(p, "pending.file")]
    )
    record_provincial_recognition(
        consortium_id=approved.pk,
        actor=city,
        recognised_on=today,
        document=_upload(p, "recognition.file"),
        document_number=p("recognition.number"),
        note=p("recognition.note"),
    )

    # Revoked for fraud: the lead unit and a member on the dishonesty record, the member's ended early.
    revoked_member = factories.organisation(7300, name=p("v.member"))
    revoked = active_consortium(
        lead=lead_b, name=p("v.name"), members=[revoked_member], end_date=today + timedelta(days=700)
    )
    revoke_consortium(
        consortium_id=revoked.pk,
        actor=city,
        reason=p("v.reason"),
        evidence=[_upload(p, "v.evidence")],
        member_organisation_ids=[revoked_member.pk],
        valid_from=today,
        valid_until=None,
    )
    end_dishonesty_record(
        record_id=DishonestyRecord.objects.get(organisation=revoked_member).pk, actor=city, reason=p("v.end")
    )
    expiring = active_consortium(lead=lead, name=p("e.name"), end_date=today + timedelta(days=30))

    # The year's report of the approved consortium: filled in, submitted, returned by the city, remarked on.
    open_campaign(year=today.year, actor=city, deadline=date(today.year, 12, 31))
    report = AnnualReport.objects.get(consortium=approved)
    _fill_report(p, report, lead)
    submit_report(report_id=report.pk, actor=lead)
    return_report(report_id=report.pk, actor=city, reason=p("report.return"))
    comment_on_report(report_id=report.pk, actor=district, text=p("report.remark"))

    return World(
        returned=Consortium.objects.get(pk=returned.pk),
        approved=Consortium.objects.get(pk=approved.pk),
        revoked=Consortium.objects.get(pk=revoked.pk),
        expiring=expiring,
        report=AnnualReport.objects.get(pk=report.pk),
        member=returned.memberships.first(),
        declined=declined,
        pending=pending,
        record_in_force=DishonestyRecord.objects.get(organisation_id=lead_b.organisation_id),
        payloads=p.payloads,
    )
