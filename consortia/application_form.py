"""The application form (备案申报书): one submission printed as an A4 PDF — every section exactly as submitted, the
eligibility results stored with it, and who submitted it when.

It is read from the ``Submission`` alone, never from the live filing, so a lead unit's later edits do not change a
form already submitted. It is written in the portal's official language whoever asks, and dated from the
submission, so the same submission always gives the same bytes: a reviewer and the lead unit can compare copies.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import Authority
from portal.pdf import RenderedPdf, render_pdf

from .models import Submission

TEMPLATE = "consortia/application_form.html"
AMOUNTS = ("self_raised", "government", "financial")


@dataclass(frozen=True)
class Amounts:
    """万元 from each source, and their sum."""

    self_raised: Decimal
    government: Decimal
    financial: Decimal

    @property
    def total(self) -> Decimal:
        return self.self_raised + self.government + self.financial


@dataclass(frozen=True)
class FundingRow(Amounts):
    organisation: str
    year: int


def funding_rows(lines: list[dict]) -> list[FundingRow]:
    """The snapshot's funding plan in decimals: JSON stored the amounts as integers or floats (``snapshots._money``),
    and summing floats would print 0.30000000000000004 万元."""
    return [
        FundingRow(
            organisation=line["organisation"],
            year=line["year"],
            **{amount: Decimal(str(line[amount])) for amount in AMOUNTS},
        )
        for line in lines
    ]


def funding_totals(rows: list[FundingRow]) -> Amounts:
    """The plan's last line: each source summed over every unit and year."""
    return Amounts(**{amount: sum((getattr(row, amount) for row in rows), Decimal(0)) for amount in AMOUNTS})


def application_form_context(submission: Submission) -> dict:
    document, details = submission.document, submission.details
    jurisdiction = Authority.objects.filter(code=document["lead"]["jurisdiction"]).first()
    rows = funding_rows(details.get("funding") or [])
    submitted_at = timezone.localtime(submission.submitted_at)
    return {
        "submission": submission,
        "submitted_at": submitted_at,
        "document": document,
        "details": details,
        "jurisdiction": jurisdiction.name if jurisdiction else document["lead"]["jurisdiction"],
        "funding": rows,
        "funding_total": funding_totals(rows),
        "results": submission.eligibility["results"],
    }


def render_application_form(submission: Submission) -> RenderedPdf:
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(
            TEMPLATE,
            application_form_context(submission),
            key=f"application-form|{submission.consortium_id}|{submission.number}|{submission.submitted_at.isoformat()}",
            created=timezone.localtime(submission.submitted_at),
        )


def application_form_filename(submission: Submission) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(name)s备案申报书（第%(number)d次提交）.pdf") % {
            "name": submission.document["name"],
            "number": submission.number,
        }
