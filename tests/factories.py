"""Complete filings built straight through the ORM and the services, for tests that start after the editor."""

import io
from datetime import date

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from consortia.models import Consortium, Document, FundingLine, Governance, LeadUnit, Membership, ResearchTask
from consortia.services import submit_filing
from portal.models import IndustryField, Organisation
from portal.uscc import check_character


def make_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_uscc(seed: int, category: str = "91") -> str:
    base = f"{category}320115MA{seed:07d}"[:17]
    return base + check_character(base)


def organisation(seed: int, *, kind="enterprise", name=None, jurisdiction=None) -> Organisation:
    return Organisation.objects.create(
        uscc=make_uscc(seed, "12" if kind in ("university", "institute") else "91"),
        name=name or f"测试单位{seed}",
        kind=kind,
        jurisdiction=jurisdiction,
    )


def pdf_upload(name: str = "组建协议.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf(), content_type="application/pdf")


def complete_filing(
    *, lead_user, name="南京市第三代半导体功率器件创新联合体", seed=1000, members=None, document=True
) -> Consortium:
    """A draft with every section complete and every rule met: by default a university and an enterprise as members;
    ``members`` given, those organisations (a university is added when none is academic)."""
    consortium = Consortium.objects.create(
        name=name,
        lead_organisation=lead_user.organisation,
        created_by=lead_user,
        field=IndustryField.objects.get(code="third-gen-semiconductors"),
        technology_kinds=["choke-point", "frontier"],
        summary="围绕碳化硅功率器件全链条开展联合攻关。",
        goals="三年内实现 1200V 碳化硅 MOSFET 量产。",
        planned_start=date(2026, 1, 1),
        planned_end=date(2028, 12, 31),
        agreement_signed_on=date(2025, 11, 20),
        agreement_all_parties_signed=True,
        section_versions={"governance": {"version": 1, "by": str(lead_user), "at": "2025-11-20T00:00:00+08:00"}},
    )
    LeadUnit.objects.create(consortium=consortium, head="王敏", revenue_prev_year=52000, rd_expense_prev_year=3100)
    Governance.objects.create(consortium=consortium, has_council=True, council_chair_is_lead_head=True)
    if members is None:
        members = [
            organisation(seed, kind="university", name=f"南京示范大学{seed}"),
            organisation(seed + 1, name=f"示范材料公司{seed}"),
        ]
    elif not any(member.kind in ("university", "institute") for member in members):
        members = [*members, organisation(seed, kind="university", name=f"南京示范大学{seed}")]
    for member in members:
        Membership.objects.create(
            consortium=consortium,
            organisation=member,
            independent_legal_entity=True,
            capability="研发团队 40 人，具备中试条件。",
            role="负责材料研究。",
        )
    task = ResearchTask.objects.create(
        consortium=consortium, title="栅氧可靠性攻关", kind="choke-point", objectives="达到车规要求。"
    )
    task.responsible_units.set([lead_user.organisation, members[0]])
    FundingLine.objects.create(consortium=consortium, organisation=lead_user.organisation, year=2026, self_raised=100)
    if document:
        pdf = make_pdf()
        stored = Document(
            consortium=consortium,
            kind=Document.Kind.FORMATION_AGREEMENT,
            original_name="组建协议.pdf",
            size=len(pdf),
            sha256="0" * 64,
            uploaded_by=lead_user,
        )
        stored.file.save("upload.pdf", ContentFile(pdf), save=False)
        stored.save()
    return consortium


def submitted_filing(*, lead_user, **kwargs) -> Consortium:
    consortium = complete_filing(lead_user=lead_user, **kwargs)
    submit_filing(consortium_id=consortium.pk, actor=lead_user)
    consortium.refresh_from_db()
    return consortium
