"""Fixtures for the filing editor: a lead user's draft filled in through the same doors users use."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from consortia.models import Consortium, Section
from consortia.services import section_version


def make_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name="组建协议.pdf", content=None):
    return SimpleUploadedFile(name, content if content is not None else make_pdf(), content_type="application/pdf")


MEMBERS = [
    {
        "uscc": "12100000466007654L",
        "name": "南京示范大学",
        "kind": "university",
        "chain_position": "n/a",
        "independent_legal_entity": "on",
        "capability": "宽禁带半导体材料与器件团队 40 人，拥有省级重点实验室和 8 英寸中试线。",
        "role": "负责外延材料生长机理研究与可靠性评价。",
    },
    {
        "uscc": "914403001922038216",
        "name": "深圳示范通信股份有限公司",
        "kind": "enterprise",
        "chain_position": "downstream",
        "independent_legal_entity": "on",
        "capability": "年研发投入超百亿元，具备功率器件系统级验证能力。",
        "role": "负责器件在通信电源中的应用验证。",
    },
]


class Editor:
    """Drives the editor over HTTP, carrying each section's current version as the page would."""

    def __init__(self, client, consortium: Consortium):
        self.client = client
        self.consortium = consortium

    def url(self, section):
        return reverse("consortia:edit", args=[self.consortium.pk, section])

    def version(self, section):
        self.consortium.refresh_from_db()
        return section_version(self.consortium, section).number

    def post(self, section, data, *, version=None, files=None, url=None):
        payload = {"loaded_version": self.version(section) if version is None else version, **data}
        if files:
            payload.update(files)
        return self.client.post(url or self.url(section), payload)

    def fill_basic(self, **overrides):
        data = {
            "name": "南京市第三代半导体功率器件创新联合体",
            "field": self._field_pk("third-gen-semiconductors"),
            "technology_kinds": ["choke-point", "frontier"],
            "summary": "围绕碳化硅功率器件全链条开展联合攻关。",
            "goals": "三年内实现 1200V 碳化硅 MOSFET 量产，良率达 90% 以上。",
            "planned_start": "2026-01-01",
            "planned_end": "2028-12-31",
        }
        data.update(overrides)
        return self.post(Section.BASIC, data)

    def fill_lead(self, **overrides):
        data = {"head": "王敏", "revenue_prev_year": "52000.5", "rd_expense_prev_year": "3100"}
        data.update(overrides)
        return self.post(Section.LEAD, data)

    def add_member(self, member):
        return self.post(Section.MEMBERS, member)

    def fill_governance(self):
        return self.post(
            Section.GOVERNANCE,
            {
                "has_council": "on",
                "council_chair": "王敏",
                "council_chair_is_lead_head": "on",
                "chief_experts": "张三，南京示范大学，教授",
                "advisory_committee": "李四\n赵五",
                "operating_mechanism": "理事会每季度召开一次，成果收益按投入比例分配。",
            },
        )

    def fill_tasks(self, responsible=()):
        prefix = Section.TASKS
        return self.post(
            Section.TASKS,
            {
                f"{prefix}-TOTAL_FORMS": "1",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-0-title": "1200V 碳化硅 MOSFET 栅氧可靠性攻关",
                f"{prefix}-0-kind": "choke-point",
                f"{prefix}-0-objectives": "栅氧寿命达到车规要求。",
                f"{prefix}-0-indicators": "HTGB 1000 小时无失效。",
                f"{prefix}-0-milestones": "2026 年完成工艺验证；2027 年小批量。",
                f"{prefix}-0-responsible_units": [str(pk) for pk in responsible],
            },
        )

    def fill_funding(self, amount="100"):
        prefix = Section.FUNDING
        return self.post(
            Section.FUNDING,
            {
                f"{prefix}-TOTAL_FORMS": "1",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-0-organisation": str(self.consortium.lead_organisation_id),
                f"{prefix}-0-year": "2026",
                f"{prefix}-0-self_raised": amount,
                f"{prefix}-0-government": "0",
                f"{prefix}-0-financial": "0",
            },
        )

    def upload(self, upload=None, kind="formation_agreement"):
        return self.post(
            Section.DOCUMENTS,
            {"upload": "1", "upload-kind": kind},
            files={"upload-file": upload or pdf_upload()},
        )

    def sign_agreement(self, signed_on="2025-11-20"):
        return self.post(
            Section.DOCUMENTS,
            {
                "agreement": "1",
                "agreement-agreement_signed_on": signed_on,
                "agreement-agreement_all_parties_signed": "on",
            },
        )

    def fill_everything(self):
        responses = [self.fill_basic(), self.fill_lead()]
        responses += [self.add_member(m) for m in MEMBERS]
        responses += [self.fill_governance(), self.fill_tasks(), self.fill_funding()]
        responses += [self.upload(), self.sign_agreement()]
        for response in responses:
            assert response.status_code == 302, getattr(response, "context", None) and _errors(response)
        return self.consortium

    @staticmethod
    def _field_pk(code):
        from portal.models import IndustryField

        return IndustryField.objects.get(code=code).pk


def _errors(response):
    context = response.context
    for key in ("form", "formset", "upload_form", "agreement_form"):
        if key in context and getattr(context[key], "errors", None):
            return context[key].errors
    return response.content.decode()[:2000]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


@pytest.fixture
def lead_client(client, demo_users):
    client.force_login(demo_users["lead-a"])
    return client


@pytest.fixture
def draft(lead_client, demo_users):
    response = lead_client.post(reverse("consortia:new"), {"name": "南京市第三代半导体功率器件创新联合体"})
    assert response.status_code == 302
    return Consortium.objects.get(lead_organisation=demo_users["lead-a"].organisation)


@pytest.fixture
def editor(lead_client, draft, media):
    return Editor(lead_client, draft)
