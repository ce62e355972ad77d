"""Bad input changes nothing and says what is wrong, in Chinese, at the field (issue 5)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consortia.models import Consortium, Document, FundingLine, Membership, Section
from portal.models import Organisation

from .conftest import MEMBERS, make_pdf, pdf_upload

pytestmark = pytest.mark.django_db


def field_error(response, field, form="form"):
    return " ".join(response.context[form].errors[field])


def test_invalid_member_uscc_is_refused_at_the_field(editor):
    response = editor.add_member({**MEMBERS[0], "uscc": "12100000466007654M"})
    assert response.status_code == 200
    assert "校验位不正确" in field_error(response, "uscc")
    assert not Membership.objects.exists()
    assert not Organisation.objects.filter(name="南京示范大学").exists()


def test_repeated_member_uscc_is_refused_at_the_field(editor):
    editor.add_member(MEMBERS[0])
    version = editor.version(Section.MEMBERS)
    response = editor.add_member({**MEMBERS[0], "uscc": " " + MEMBERS[0]["uscc"].lower()})
    assert "已是本联合体的参与单位" in field_error(response, "uscc")
    assert Membership.objects.count() == 1
    assert editor.version(Section.MEMBERS) == version


def test_period_longer_than_three_years_is_refused_at_the_end_date(editor):
    response = editor.fill_basic(planned_start="2026-01-01", planned_end="2029-01-01")
    assert "结束日期最迟为 2028-12-31" in field_error(response, "planned_end")
    consortium = Consortium.objects.get(pk=editor.consortium.pk)
    assert consortium.planned_end is None
    assert consortium.field is None


def test_exactly_three_years_less_a_day_is_accepted(editor):
    assert editor.fill_basic(planned_start="2026-03-01", planned_end="2029-02-28").status_code == 302
    consortium = Consortium.objects.get(pk=editor.consortium.pk)
    assert (consortium.planned_start, consortium.planned_end) == (date(2026, 3, 1), date(2029, 2, 28))
    # One day more is over the limit, and leaves the stored period as it was.
    response = editor.fill_basic(planned_start="2026-03-01", planned_end="2029-03-01")
    assert "结束日期最迟为 2029-02-28" in field_error(response, "planned_end")
    consortium.refresh_from_db()
    assert consortium.planned_end == date(2029, 2, 28)


def test_text_file_renamed_pdf_is_refused(editor, media):
    fake = SimpleUploadedFile("组建协议.pdf", "这不是 PDF 文件".encode(), content_type="application/pdf")
    response = editor.upload(fake)
    assert "不是有效的 PDF" in field_error(response, "file", form="upload_form")
    assert not Document.objects.exists()
    assert not media.exists() or not any(media.rglob("*.pdf"))


def test_truncated_pdf_is_refused(editor):
    broken = SimpleUploadedFile("协议.pdf", make_pdf()[:60], content_type="application/pdf")
    response = editor.upload(broken)
    assert "不是有效的 PDF" in field_error(response, "file", form="upload_form")
    assert not Document.objects.exists()


def test_pdf_over_the_limit_is_refused(editor, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    response = editor.upload(pdf_upload(content=make_pdf(pages=3) + b" " * 2048))
    assert "超过" in field_error(response, "file", form="upload_form")
    assert not Document.objects.exists()


def test_negative_amount_is_refused(editor):
    response = editor.fill_funding(amount="-5")
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["self_raised"] == ["自筹（万元）不能为负数。"]
    assert not FundingLine.objects.exists()


def test_signing_date_in_the_future_is_refused(editor):
    response = editor.sign_agreement(signed_on="2999-01-01")
    assert "不能晚于今天" in field_error(response, "agreement_signed_on", form="agreement_form")
    assert Consortium.objects.get(pk=editor.consortium.pk).agreement_signed_on is None


def test_member_named_by_a_task_cannot_be_removed(editor):
    editor.add_member(MEMBERS[0])
    university = Organisation.objects.get(uscc=MEMBERS[0]["uscc"])
    assert editor.fill_tasks(responsible=[university.pk]).status_code == 302
    membership = Membership.objects.get()
    response = editor.post(
        Section.MEMBERS, {}, url=reverse("consortia:remove_member", args=[editor.consortium.pk, membership.pk])
    )
    page = editor.client.get(response.url).content.decode()
    assert "仍是攻关任务“1200V 碳化硅 MOSFET 栅氧可靠性攻关”的承担单位" in page
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_empty_required_section_blocks_submit_and_says_which(editor):
    editor.fill_basic()
    response = editor.client.post(reverse("consortia:submit", args=[editor.consortium.pk]), follow=True)
    page = response.content.decode()
    assert "以下部分尚未填写完整，不能提交" in page
    assert "参与单位（至少一家参与单位）" in page
    consortium = Consortium.objects.get(pk=editor.consortium.pk)
    assert consortium.status == "draft"
    assert not consortium.submissions.exists()
