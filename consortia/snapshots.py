"""A filing in the database as a ``consortium-filing/1`` document (DESIGN §9), and the snapshot kept at submission.

The document is the one description of a filing that every reader shares: the eligibility engine reads it (through
``filing_from_document``), ``check_eligibility`` reads an exported file, a submission stores it, and reviewers see it.
Facts the exchange format does not carry (milestones, responsible units, the funding plan, documents) travel beside it
in the snapshot's ``details``.
"""

from decimal import Decimal

from django.db.models import Prefetch

from .eligibility import Evaluation, context_from_database, evaluate, filing_from_document
from .models import Consortium, Document, Membership, ResearchTask

FORMAT = "consortium-filing/1"


def _money(value: Decimal | None):
    """JSON has no decimals: whole amounts as integers, others as floats (万元 with at most two decimals)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _date(value):
    return value.isoformat() if value else None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def load_filing(consortium_id: int) -> Consortium:
    """A consortium with everything the document needs, in a fixed number of queries."""
    return (
        Consortium.objects.select_related(
            "field", "lead_organisation__jurisdiction", "lead__platform_category", "governance"
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(left_on__isnull=True).select_related("organisation"),
                to_attr="current_memberships",
            ),
            Prefetch("tasks", queryset=ResearchTask.objects.prefetch_related("responsible_units")),
            "funding_lines__organisation",
            "documents",
        )
        .get(pk=consortium_id)
    )


def filing_document(consortium: Consortium) -> dict:
    """The filing as an exchange-format document. A draft with gaps gives a document with nulls and empty strings;
    a complete filing gives one that validates against the schema."""
    lead = getattr(consortium, "lead", None)
    governance = getattr(consortium, "governance", None)
    organisation = consortium.lead_organisation
    platform = None
    if lead is not None and organisation.kind == "platform" and (lead.platform_level or lead.platform_category_id):
        platform = {
            "level": lead.platform_level,
            "category": lead.platform_category.code if lead.platform_category else "",
        }
    agreement_attached = any(d.kind == Document.Kind.FORMATION_AGREEMENT for d in consortium.documents.all())
    return {
        "format": FORMAT,
        "name": consortium.name,
        "field": consortium.field.code if consortium.field else "",
        "technology_kinds": list(consortium.technology_kinds),
        "summary": consortium.summary,
        "period": {"start": _date(consortium.planned_start), "end": _date(consortium.planned_end)},
        "lead": {
            "name": organisation.name,
            "uscc": organisation.uscc,
            "kind": organisation.kind,
            "jurisdiction": organisation.jurisdiction.code if organisation.jurisdiction else "",
            "head": lead.head if lead else "",
            "revenue_prev_year": _money(lead.revenue_prev_year) if lead else None,
            "rd_expense_prev_year": _money(lead.rd_expense_prev_year) if lead else None,
            "platform": platform,
        },
        "members": [
            {
                "name": m.organisation.name,
                "uscc": m.organisation.uscc,
                "kind": m.organisation.kind,
                "chain_position": m.chain_position,
                "independent_legal_entity": m.independent_legal_entity,
                "capability": m.capability,
                "role": m.role,
            }
            for m in _current_memberships(consortium)
        ],
        "governance": {
            "council": governance.has_council if governance else False,
            "council_chair_is_lead_head": governance.council_chair_is_lead_head if governance else False,
            "chief_experts": _lines(governance.chief_experts) if governance else [],
            "advisory_committee": _lines(governance.advisory_committee) if governance else [],
        },
        "tasks": [
            {"title": t.title, "kind": t.kind, "objectives": t.objectives, "indicators": t.indicators}
            for t in consortium.tasks.all()
        ],
        "agreement": {
            "attached": agreement_attached,
            "signed_on": _date(consortium.agreement_signed_on),
            "all_parties_signed": consortium.agreement_all_parties_signed,
        },
        "justifications": {code: text for code, text in consortium.justifications.items() if text.strip()},
    }


def _current_memberships(consortium: Consortium):
    if hasattr(consortium, "current_memberships"):
        return consortium.current_memberships
    return consortium.memberships.filter(left_on__isnull=True).select_related("organisation")


def filing_details(consortium: Consortium) -> dict:
    """What a reviewer needs beside the exchange document."""
    governance = getattr(consortium, "governance", None)
    return {
        "goals": consortium.goals,
        "council_chair": governance.council_chair if governance else "",
        "operating_mechanism": governance.operating_mechanism if governance else "",
        "tasks": [
            {
                "title": t.title,
                "milestones": t.milestones,
                "responsible_units": [o.name for o in t.responsible_units.all()],
            }
            for t in consortium.tasks.all()
        ],
        "funding": [
            {
                "organisation": line.organisation.name,
                "year": line.year,
                "self_raised": _money(line.self_raised),
                "government": _money(line.government),
                "financial": _money(line.financial),
            }
            for line in consortium.funding_lines.all()
        ],
        "documents": [
            {"id": d.pk, "kind": d.kind, "name": d.original_name, "size": d.size, "sha256": d.sha256}
            for d in consortium.documents.all()
        ],
    }


def evaluate_filing(consortium: Consortium, *, context=None) -> Evaluation:
    """The eligibility of the filing as it stands, through the same path as ``check_eligibility``."""
    return evaluate(filing_from_document(filing_document(consortium)), context or context_from_database())
