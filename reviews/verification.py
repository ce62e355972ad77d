"""The verification of a filing notice (备案通知书核验, issue 17): the code printed on every notice, the public URL its
QR code points to, and what that page may say of the notice — the facts printed on it, the consortium's status now,
the SHA-256 of the notice as issued, and, for a version a reissue replaced, the code of the one issued in its place.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.urls import reverse

from consortia.states import Status

from .models import FilingNotice, SupersededNotice


def verification_url(code: str) -> str:
    """The absolute URL of the notice's public verification page, as printed on it and drawn into its QR code."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("verify:notice", args=[code])


@dataclass(frozen=True)
class VerifiedNotice:
    """One version of a notice as the public verification page shows it: nothing else of the filing."""

    code: str
    version: int
    filing_number: str
    consortium_name: str
    lead_unit: str
    start_date: date | None
    end_date: date | None
    status: Status
    sha256: str
    issued_at: datetime
    code_printed: bool
    superseded_by_code: str = ""

    @property
    def superseded(self) -> bool:
        return bool(self.superseded_by_code)


def _verified(notice: FilingNotice | SupersededNotice, superseded_by_code: str = "") -> VerifiedNotice:
    consortium = notice.consortium
    return VerifiedNotice(
        code=notice.verification_code,
        version=notice.version,
        filing_number=consortium.filing_number,
        consortium_name=consortium.name,
        lead_unit=consortium.lead_organisation.name,
        start_date=consortium.start_date,
        end_date=consortium.end_date,
        status=Status(consortium.status),
        sha256=notice.sha256,
        issued_at=notice.issued_at,
        code_printed=notice.code_printed,
        superseded_by_code=superseded_by_code,
    )


def find_notice(code: str) -> VerifiedNotice | None:
    """The notice version printed with ``code``, or None. Codes are compared exactly: they are random, not typed."""
    related = ("consortium", "consortium__lead_organisation")
    current = FilingNotice.objects.select_related(*related).filter(verification_code=code).first()
    if current is not None:
        return _verified(current)
    superseded = SupersededNotice.objects.select_related(*related).filter(verification_code=code).first()
    if superseded is not None:
        return _verified(superseded, superseded_by_code=superseded.superseded_by_code)
    return None
