"""Consortia at the end of their life, built straight through the ORM: active (approved) ones for the jobs and the
city's actions, and complete drafts for the integrity check of a new filing."""

import io
from datetime import date, timedelta
from itertools import count

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from consortia.models import (
    Consortium,
    Document,
    FundingLine,
    Governance,
    LeadUnit,
    Membership,
    ResearchTask,
)
from consortia.states import Status
from portal.models import IndustryField, Organisation, Role, User
from portal.uscc import check_character

_numbers = count(1)


def make_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "证据材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf(), content_type="application/pdf")


def not_a_pdf(name: str = "说明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"just some text, not a PDF", content_type="application/pdf")


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
    today = date.today()
    start = today + timedelta(days=30)
    consortium = Consortium.objects.create(
        name=f"南京市新一代测试创新联合体{next(_numbers)}",
        lead_organisation=lead.organisation,
        created_by=lead,
        field=IndustryField.objects.get(code="third-gen-semiconductors"),
        technology_kinds=["choke-point"],
        summary="围绕碳化硅功率器件开展联合攻关。",
        goals="三年内实现车规级器件量产。",
        planned_start=start,
        planned_end=start + timedelta(days=365 * 2),
        agreement_signed_on=today - timedelta(days=10),
        agreement_all_parties_signed=True,
        section_versions={"governance": {"version": 1, "by": str(lead), "at": "2026-01-01T00:00:00+08:00"}},
    )
    LeadUnit.objects.create(consortium=consortium, head="王敏", revenue_prev_year=52000, rd_expense_prev_year=3100)
    Governance.objects.create(consortium=consortium, has_council=True, council_chair_is_lead_head=True)
    units = list(members) or [organisation(kind="university", name="南京示范理工大学"), organisation()]
    if not any(unit.kind in ("university", "institute") for unit in units):
        units.append(organisation(kind="university"))
    for unit in units:
        Membership.objects.create(
            consortium=consortium,
            organisation=unit,
            independent_legal_entity=True,
            capability="研发团队 40 人，具备中试条件。",
            role="负责材料与工艺研究。",
        )
    task = ResearchTask.objects.create(
        consortium=consortium, title="栅氧可靠性攻关", kind="choke-point", objectives="达到车规级可靠性要求。"
    )
    task.responsible_units.set([lead.organisation])
    FundingLine.objects.create(consortium=consortium, organisation=lead.organisation, year=start.year, self_raised=100)
    pdf = make_pdf()
    document = Document(
        consortium=consortium,
        kind=Document.Kind.FORMATION_AGREEMENT,
        original_name="组建协议.pdf",
        size=len(pdf),
        sha256="0" * 64,
        uploaded_by=lead,
    )
    document.file.save("agreement.pdf", ContentFile(pdf), save=False)
    document.save()
    return consortium
