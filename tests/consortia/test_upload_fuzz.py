"""Every upload the portal accepts, fed what is not a PDF: each is refused at its field in Chinese, the rest of the form
comes back as typed, and no row and no file is left behind; the same endpoint stores a valid PDF.

The uploads: the filing's documents section, a change's supplementary agreement, the completion declaration's
materials, the revocation evidence and the provincial recognition document (annual reports take no files).
"""

import io
import random
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from consortia.models import (
    ChangeDocument,
    ChangeRecord,
    CompletionDeclaration,
    Consortium,
    Document,
    LifecycleDocument,
    ProvincialRecognition,
    Revocation,
    Section,
)
from consortia.services import section_version
from tests.factories import make_pdf
from tests.lifecycle.factories import active_consortium

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SEED = 20261201  # fixed: a failure is reproduced by running the test again

NOT_A_PDF = "该文件不是有效的 PDF 文件（按文件内容检查，而非扩展名）"
EMPTY = "所提交的是空文件。"  # Django's own check, before the portal's


def random_bytes(size: int, salt: int) -> bytes:
    return random.Random(SEED + salt).randbytes(size)


def zip_of_a_pdf() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("组建协议.pdf", make_pdf())
    return buffer.getvalue()


def exe_header() -> bytes:
    # The DOS stub's "MZ", e_lfanew at 0x3c pointing at the "PE\0\0" signature and a COFF header for x86-64.
    stub = bytearray(b"MZ" + bytes(0x3A) + (0x40).to_bytes(4, "little"))
    return bytes(stub) + b"PE\x00\x00" + b"\x64\x86" + random_bytes(512, 5)


# (case, bytes, what the field says). Every name ends in .pdf: the content is what is judged.
REFUSED = [
    ("random-1-byte", random_bytes(1, 0), NOT_A_PDF),
    ("random-1-KB", random_bytes(1024, 1), NOT_A_PDF),
    ("random-64-KB", random_bytes(64 * 1024, 2), NOT_A_PDF),
    ("random-1-MB", random_bytes(1024 * 1024, 3), NOT_A_PDF),
    ("random-after-a-PDF-header", b"%PDF-1.7\n" + random_bytes(4096, 4), NOT_A_PDF),
    ("truncated-PDF", make_pdf()[: len(make_pdf()) // 2], NOT_A_PDF),
    ("empty", b"", EMPTY),
    ("PNG", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random_bytes(2048, 6), NOT_A_PDF),
    ("ZIP-holding-a-PDF", zip_of_a_pdf(), NOT_A_PDF),
    ("HTML", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", NOT_A_PDF),
    ("HTML-behind-a-PDF-header", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n", NOT_A_PDF),
    ("EXE", exe_header(), NOT_A_PDF),
]


def upload(content: bytes, name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- The endpoints ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """One upload: who posts it, where, with which other input, and what it would store."""

    name: str
    user: str
    form: str  # the form's name in the page's context
    field: str  # the file's field
    multiple: bool  # the field takes several files
    rows: tuple  # the models a stored upload adds a row to
    typed: str  # something typed in the form beside the file, shown again on a refusal

    def url(self, consortium: Consortium) -> str:
        if self.name == "filing-documents":
            return reverse("consortia:edit", args=[consortium.pk, Section.DOCUMENTS])
        if self.name == "change-agreement":
            return reverse("consortia:record_change", args=[consortium.pk, ChangeRecord.Kind.STRATEGIC_PLAN])
        route = {"completion": "declare_completion", "revocation": "revoke", "recognition": "record_recognition"}
        return reverse(f"lifecycle:{route[self.name]}", args=[consortium.pk])

    def data(self, consortium: Consortium, files: list) -> dict:
        value = files if self.multiple else files[0]
        if self.name == "filing-documents":
            version = section_version(consortium, Section.DOCUMENTS).number
            return {
                "loaded_version": version,
                "upload": "1",
                "upload-kind": "financial_statement",
                "upload-file": value,
            }
        if self.name == "change-agreement":
            effective_on = (TODAY - timedelta(days=3)).isoformat()
            return {"effective_on": effective_on, "explanation": self.typed, "agreement": value}
        if self.name == "completion":
            return {"summary": self.typed, "attachments": value}
        if self.name == "revocation":
            valid_until = (TODAY + timedelta(days=365)).isoformat()
            return {
                "reason": self.typed,
                "evidence": value,
                "valid_from": TODAY.isoformat(),
                "valid_until": valid_until,
                "confirm": "on",
            }
        return {"recognised_on": "2026-03-15", "document_number": self.typed, "note": "", "document": value}


ENDPOINTS = [
    Endpoint(
        name="filing-documents",
        user="lead-a",
        form="upload_form",
        field="file",
        multiple=False,
        rows=(Document,),
        typed='value="financial_statement" selected',
    ),
    Endpoint(
        name="change-agreement",
        user="lead-a",
        form="form",
        field="agreement",
        multiple=False,
        rows=(ChangeRecord, ChangeDocument),
        typed="新增氮化镓外延方向。",
    ),
    Endpoint(
        name="completion",
        user="lead-a",
        form="form",
        field="attachments",
        multiple=True,
        rows=(CompletionDeclaration, LifecycleDocument),
        typed="三项攻关任务全部完成。",
    ),
    Endpoint(
        name="revocation",
        user="city",
        form="form",
        field="evidence",
        multiple=True,
        rows=(Revocation, LifecycleDocument),
        typed="伪造合作单位签章。",
    ),
    Endpoint(
        name="recognition",
        user="city",
        form="form",
        field="document",
        multiple=False,
        rows=(ProvincialRecognition, LifecycleDocument),
        typed="苏科技〔2026〕18号",
    ),
]
BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    # Large uploads are streamed to a temporary file first: it must not outlive the request either.
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "upload-temp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    return settings.MEDIA_ROOT


def files_under(folder) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


@pytest.fixture
def target(request, client, demo_users, media):
    """(endpoint, its consortium, a client logged in as the endpoint's user)."""
    endpoint = BY_NAME[request.param]
    if endpoint.name == "filing-documents":
        client.force_login(demo_users["lead-a"])
        assert client.post(reverse("consortia:new"), {"name": "南京市上传测试创新联合体"}).status_code == 302
        consortium = Consortium.objects.get(lead_organisation=demo_users["lead-a"].organisation)
    else:
        consortium = active_consortium(
            lead=demo_users["lead-a"], start_date=TODAY - timedelta(days=400), end_date=date(2027, 12, 31)
        )
    client.force_login(demo_users[endpoint.user])
    return endpoint, consortium, client


def everything(endpoint: Endpoint, media) -> tuple:
    """What a stored upload would change: the rows of its models and the files in private storage."""
    return tuple(model.objects.count() for model in endpoint.rows), files_under(media)


def assert_refused(response, endpoint, media, before, message):
    assert response.status_code == 200
    errors = response.context[endpoint.form].errors[endpoint.field]
    assert any(message in error for error in errors), errors
    assert all(re.search(r"[\u4e00-\u9fff]", error) for error in errors)
    assert endpoint.typed in response.content.decode()
    assert everything(endpoint, media) == before
    assert files_under(media.parent / "upload-temp") == []


ALL = pytest.mark.parametrize("target", [endpoint.name for endpoint in ENDPOINTS], indirect=True)
MULTIPLE = pytest.mark.parametrize("target", [e.name for e in ENDPOINTS if e.multiple], indirect=True)


@ALL
@pytest.mark.parametrize(("case", "content", "message"), REFUSED, ids=[case for case, _, _ in REFUSED])
def test_what_is_not_a_pdf_is_refused_at_the_field_and_nothing_is_stored(target, media, case, content, message):
    endpoint, consortium, client = target
    before = everything(endpoint, media)

    response = client.post(endpoint.url(consortium), endpoint.data(consortium, [upload(content)]))

    assert_refused(response, endpoint, media, before, message)


@ALL
def test_a_file_just_over_the_size_limit_is_refused_and_nothing_is_stored(target, media, settings):
    endpoint, consortium, client = target
    limit = settings.DOCUMENT_MAX_BYTES
    assert limit == 20 * 1024 * 1024
    valid = make_pdf()
    oversized = valid + b"\n" * (limit + 1 - len(valid))  # a valid PDF, one byte too long
    before = everything(endpoint, media)

    response = client.post(endpoint.url(consortium), endpoint.data(consortium, [upload(oversized)]))

    assert_refused(response, endpoint, media, before, "文件大小为 20.0 MB，超过 20.0 MB 的上限。请压缩后再上传。")


@MULTIPLE
def test_one_bad_file_among_good_ones_stores_none_of_them(target, media):
    endpoint, consortium, client = target
    before = everything(endpoint, media)
    files = [upload(make_pdf(), "报告.pdf"), upload(random_bytes(4096, 7), "验收意见.pdf")]

    response = client.post(endpoint.url(consortium), endpoint.data(consortium, files))

    assert_refused(response, endpoint, media, before, f"“验收意见.pdf”：{NOT_A_PDF}")


@ALL
def test_a_valid_pdf_is_stored_on_the_same_endpoint(target, media):
    endpoint, consortium, client = target
    before = everything(endpoint, media)
    content = make_pdf()

    response = client.post(endpoint.url(consortium), endpoint.data(consortium, [upload(content, "组建协议.pdf")]))

    assert response.status_code == 302
    rows, files = everything(endpoint, media)
    assert rows == tuple(count + 1 for count in before[0])
    [new_file] = set(files) - set(before[1])
    assert (media / new_file).read_bytes() == content


@ALL
@pytest.mark.parametrize("name", ["setup.exe", "index.html"])
def test_a_valid_pdf_under_another_name_is_judged_by_its_content_and_stored_under_a_name_of_ours(target, media, name):
    endpoint, consortium, client = target
    before = everything(endpoint, media)

    response = client.post(endpoint.url(consortium), endpoint.data(consortium, [upload(make_pdf(), name)]))

    assert response.status_code == 302
    [new_file] = set(everything(endpoint, media)[1]) - set(before[1])
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", new_file.rsplit("/", 1)[-1])
    stored = endpoint.rows[-1].objects.latest("id")
    assert stored.original_name == name
