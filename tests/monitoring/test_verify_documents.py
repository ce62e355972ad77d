"""``manage.py verify_documents`` against real stored files: a filing document, a supplementary agreement, completion
evidence and a filing notice, each stored through the services (or, for the notice, as the approval stores it)."""

import hashlib
from datetime import date
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from consortia.changes import record_change
from consortia.lifecycle.services import declare_completion
from consortia.models import ChangeDocument, Document, LifecycleDocument
from consortia.services import section_version, upload_document
from reviews.models import FilingNotice
from tests.factories import complete_filing, make_pdf
from tests.lifecycle import factories


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf(), content_type="application/pdf")


@pytest.fixture
def stored(demo_users):
    """One stored file of each kind, its row keeping the hash the service computed."""
    lead = demo_users["lead-a"]
    draft = complete_filing(lead_user=lead, name="待核验的创新联合体", seed=8100, document=False)
    document = upload_document(
        consortium_id=draft.pk,
        actor=lead,
        kind=Document.Kind.FORMATION_AGREEMENT,
        uploaded_file=pdf("组建协议.pdf"),
        loaded_version=section_version(draft, "documents").number,
    )
    active = factories.active_consortium(lead=lead, end_date=date(2027, 12, 31))
    change = record_change(
        consortium_id=active.pk,
        actor=lead,
        kind="strategic_plan",
        effective_on=date(2026, 1, 20),
        explanation="调整战略规划。",
        agreement=pdf("补充协议.pdf"),
    )
    declaration = declare_completion(
        consortium_id=active.pk, actor=lead, summary="攻关任务全部完成。", attachments=[pdf("总结.pdf")]
    )
    content = make_pdf()
    notice = FilingNotice(consortium=active, sha256=hashlib.sha256(content).hexdigest(), size=len(content))
    notice.file.save("notice.pdf", ContentFile(content))
    return {
        "document": document,
        "agreement": change.agreement,
        "evidence": declaration.attachments.get(),
        "notice": notice,
    }


def run(*options) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_documents", *options, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def stored_rows() -> int:
    return sum(model.objects.count() for model in (Document, ChangeDocument, LifecycleDocument, FilingNotice))


def test_intact_files_pass_with_their_count(stored):
    code, out, err = run()
    assert (code, err) == (0, "")
    assert stored_rows() == 4
    assert "已检查 4 份文件：0 份缺失，0 份被改动，0 份大小不符。" in out


def test_quiet_prints_nothing_when_intact(stored):
    assert run("--quiet") == (0, "", "")


def test_an_altered_and_a_removed_file_are_named_and_exit_one(stored, media):
    document, agreement = stored["document"], stored["agreement"]
    altered = media / document.file.name
    original = altered.read_bytes()
    # Same length, one byte different: only the hash can tell.
    altered.write_bytes(original[:-2] + bytes([original[-2] ^ 1]) + original[-1:])
    (media / agreement.file.name).unlink()

    code, out, err = run("--quiet")

    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 3, err
    actual = hashlib.sha256(altered.read_bytes()).hexdigest()
    assert f"consortia.Document #{document.pk}（{document.file.name}）：文件已被改动" in err
    assert f"应为 SHA-256 {document.sha256}，实为 {actual}" in err
    assert f"consortia.ChangeDocument #{agreement.pk}（{agreement.file.name}）：文件缺失" in err
    assert "LifecycleDocument" not in err and "FilingNotice" not in err
    assert lines[-1] == "已检查 4 份文件：1 份缺失，1 份被改动，0 份大小不符。"


def test_a_wrong_recorded_size_is_reported(stored):
    notice = stored["notice"]
    FilingNotice.objects.filter(pk=notice.pk).update(size=notice.size + 1)

    code, _, err = run()

    assert code == 1
    assert f"reviews.FilingNotice #{notice.pk}" in err
    assert f"记录的大小为 {notice.size + 1} 字节，文件为 {notice.size} 字节" in err
    assert "1 份大小不符" in err
