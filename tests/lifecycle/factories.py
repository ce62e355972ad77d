"""Consortia at the end of their life, built straight through the ORM: active (approved) ones for the jobs and the
city's actions, and complete drafts for the integrity check of a new filing."""

from datetime import date, timedelta
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile

from consortia.models import (
    Consortium,
    Membership,
)
from consortia.states import Status
from portal.models import Organisation, Role, User
from portal.uscc import check_character
from tests import factories

_numbers = count(1)


def pdf_upload(name: str = "证据材料.pdf") -> SimpleUploadedFile:
    return factories.pdf_upload(name)


def not_a_pdf(name: str = "说明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"just some text, not a PDF", content_type="application/pdf")


def made(data: dict) -> dict:
    """Form data with the upload factories in it (``not_a_pdf``, ``partial(pdf_upload, name)``) called now. An upload
    built when pytest imports a module is read to its end by the first run and posted empty by a second run in the same
    process, as mutmut runs the tests (docs/testing.md)."""

    def make(value):
        return value() if callable(value) else value

    return {
        key: [make(item) for item in value] if isinstance(value, list) else make(value) for key, value in data.items()
    }


def make_uscc(seed: int, category: str = "91") -> str:
    base = f"{category}320115LC{seed:07d}"[:17]
    return base + check_character(base)


def organisation(*, kind: str = "enterprise", name: str | None = None, jurisdiction=None) -> Organisation:
    seed = next(_numbers)
    return Organisation.objects.create(
        uscc=make_uscc(seed, "12" if kind in ("university", "institute") else "91"),
        name=name or f"生命周期测试单位{seed}",
        kind=kind,
        jurisdiction=jurisdiction,
    )


def lead_user(organisation: Organisation, username: str | None = None) -> User:
    return User.objects.create_user(
        username=username or f"lead-{next(_numbers)}",
        password="x",
        role=Role.LEAD_UNIT,
        organisation=organisation,
        email="lead@example.com",
    )


def active_consortium(
    *,
    lead: User,
    end_date: date,
    name: str | None = None,
    members: list[Organisation] = (),
    start_date: date | None = None,
    status: str = Status.ACTIVE,
) -> Consortium:
    """An approved consortium in its construction period (or in ``status``)."""
    number = next(_numbers)
    start_date = start_date or end_date - timedelta(days=3 * 365)
    consortium = Consortium.objects.create(
        name=name or f"南京市测试创新联合体{number}",
        lead_organisation=lead.organisation,
        created_by=lead,
        status=status,
        planned_start=start_date,
        planned_end=end_date,
        start_date=start_date,
        end_date=end_date,
        filed_on=start_date,
        filing_number=f"宁创联备〔{start_date.year}〕{number:03d}号",
        submitted_at=None,
    )
    # District officers see what was submitted in their jurisdiction.
    Consortium.objects.filter(pk=consortium.pk).update(submitted_at=consortium.created_at)
    consortium.refresh_from_db()
    for member in members:
        Membership.objects.create(consortium=consortium, organisation=member, independent_legal_entity=True)
    return consortium


def complete_filing(*, lead: User, members: list[Organisation] = ()) -> Consortium:
    """A draft with every section complete and every eligibility rule met, ready to submit."""
    number = next(_numbers)
    return factories.complete_filing(
        lead_user=lead,
        name=f"南京市新一代测试创新联合体{number}",
        seed=900_000 + 10 * number,
        members=list(members) or None,
    )
