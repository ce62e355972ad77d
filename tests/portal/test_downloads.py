"""A private file is handed over under a name that ends as its content says: uploads are judged by their content and
keep the name they came with, and a PDF saved under ``index.html`` would open as a web page on the officer's
computer."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from consortia.models import Document
from portal.downloads import download_name, private_file
from tests.factories import complete_filing, make_pdf

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("组建协议.pdf", "application/pdf", "组建协议.pdf"),
        ("组建协议.PDF", "application/pdf", "组建协议.PDF"),
        ("index.html", "application/pdf", "index.html.pdf"),
        ("setup.exe", "application/pdf", "setup.exe.pdf"),
        ("2026年度报告.xlsx", XLSX, "2026年度报告.xlsx"),
        ("清单", "text/csv; charset=utf-8", "清单.csv"),
    ],
)
def test_the_name_ends_with_the_extension_of_the_content(name, content_type, expected):
    assert download_name(name, content_type) == expected


def test_the_response_names_the_pdf_as_a_pdf_and_is_never_sniffed_or_cached():
    response = private_file(io.BytesIO(b"%PDF-1.7"), filename="index.html")
    assert response["Content-Disposition"] == 'attachment; filename="index.html.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_a_document_uploaded_as_index_html_downloads_as_a_pdf(client, demo_users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lead = demo_users["lead-a"]
    consortium = complete_filing(lead_user=lead, document=False)
    pdf = make_pdf()
    document = Document(
        consortium=consortium, kind=Document.Kind.OTHER, original_name="index.html", size=len(pdf), uploaded_by=lead
    )
    document.file.save("upload.pdf", ContentFile(pdf), save=False)
    document.save()
    client.force_login(lead)
    response = client.get(reverse("consortia:document", args=[consortium.pk, document.pk]))
    assert response["Content-Disposition"].endswith('filename="index.html.pdf"')
    assert b"".join(response.streaming_content) == pdf


@pytest.mark.django_db
def test_a_submission_with_a_character_the_fonts_lack_is_refused_with_a_page_naming_it(
    client, demo_users, settings, tmp_path
):
    """Submissions are kept as typed; printing one with an emoji would need a font the portal does not carry, so the
    form's page says which character instead of a PDF of boxes or an error page."""
    from tests.factories import submitted_filing

    settings.MEDIA_ROOT = tmp_path
    lead = demo_users["lead-a"]
    consortium = submitted_filing(lead_user=lead, name="南京市智能传感😀创新联合体")
    client.force_login(lead)
    response = client.get(reverse("consortia:application_form", args=[consortium.pk, 1]))
    assert response.status_code == 422
    page = response.content.decode()
    assert "无法生成 PDF" in page and "😀" in page
    assert "Content-Disposition" not in response
