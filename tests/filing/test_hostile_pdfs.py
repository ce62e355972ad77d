"""PDFs that run scripts, launch programs or carry other files are refused, and nothing is stored."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    TextStringObject,
)

from consortia import documents
from consortia.documents import check_pdf
from consortia.lifecycle.services import revoke_consortium
from consortia.models import Document, LifecycleDocument, Revocation, WorkflowEvent
from consortia.states import Status
from portal.exceptions import DomainError
from tests.lifecycle.factories import active_consortium

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db

SCRIPT = "该 PDF 含有脚本（JavaScript）或自动执行的动作，出于安全原因不能上传。请将文件另存或打印为普通 PDF 后再上传。"
EMBEDDED = "该 PDF 内嵌了其他文件，出于安全原因不能上传。请分别上传各份材料。"
TOO_COMPLEX = "该 PDF 结构过于复杂，无法完成安全检查，不能上传。请将文件另存或打印为普通 PDF 后再上传。"


def name(value):
    return NameObject(value)


def action(kind, **entries):
    return DictionaryObject({name("/Type"): name("/Action"), name("/S"): name(kind), **entries})


def build(change=None, pages=1) -> bytes:
    """A blank A4 PDF, changed by ``change(writer)`` before it is written."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if change:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def annotate(writer, annotation):
    page = writer.pages[0]
    annotation = DictionaryObject(
        {
            name("/Type"): name("/Annot"),
            name("/Rect"): ArrayObject([FloatObject(x) for x in (50, 50, 200, 100)]),
            **annotation,
        }
    )
    page[name("/Annots")] = ArrayObject([writer._add_object(annotation)])


def document_javascript(writer):
    # The document-level script tree, /Names → /JavaScript (what PdfWriter.add_js wrote; pypdf 7 removed add_js in
    # favour of add_open_action, which writes the same tree).
    writer.add_open_action(JavaScript("app.alert('你好');"))


def open_action_javascript(writer):
    writer.root_object[name("/OpenAction")] = writer._add_object(JavaScript("this.print({bUI: false});"))


def open_action_launch(writer):
    launch = action("/Launch", **{name("/F"): TextStringObject("C:\\Windows\\System32\\cmd.exe")})
    writer.root_object[name("/OpenAction")] = writer._add_object(launch)


def open_action_to_a_web_page(writer):
    # Neither JavaScript nor /Launch: refused because it runs on its own when the file is opened.
    writer.root_object[name("/OpenAction")] = action("/URI", **{name("/URI"): TextStringObject("http://example.com")})


def page_additional_actions(writer):
    # Runs when the page is shown: refused as an additional action, whatever it does.
    opened = action("/URI", **{name("/URI"): TextStringObject("http://example.com/tracker")})
    writer.pages[0][name("/AA")] = DictionaryObject({name("/O"): writer._add_object(opened)})


def link_running_javascript(writer):
    annotate(writer, {name("/Subtype"): name("/Link"), name("/A"): JavaScript("app.launchURL('x');")})


def link_launching_a_program(writer):
    launch = action("/Launch", **{name("/F"): TextStringObject("calc.exe")})
    annotate(writer, {name("/Subtype"): name("/Link"), name("/A"): writer._add_object(launch)})


def script_chained_after_going_to_the_first_page(writer):
    first_page = writer.pages[0].indirect_reference
    go_to = action("/GoTo", **{name("/D"): ArrayObject([first_page, name("/Fit")])})
    go_to[name("/Next")] = writer._add_object(JavaScript("app.alert(1);"))
    writer.root_object[name("/OpenAction")] = writer._add_object(go_to)


def script_nobody_refers_to(writer):
    writer._add_object(JavaScript("app.alert(1);"))  # listed in the cross-reference table only


def script_text_alone(writer):
    writer._add_object(DictionaryObject({name("/JS"): TextStringObject("app.alert(1);")}))


def script_tree_alone(writer):
    writer.root_object[name("/Names")] = DictionaryObject(
        {name("/JavaScript"): DictionaryObject({name("/Names"): ArrayObject()})}
    )


def javascript_action_type_behind_a_reference(writer):
    # No /JS entry at all, and the action's type is an indirect object: a viewer resolves it, so must the check.
    kind = writer._add_object(name("/JavaScript"))
    annotate(writer, {name("/Subtype"): name("/Link"), name("/A"): DictionaryObject({name("/S"): kind})})


def names_written_with_escapes(content: bytes) -> bytes:
    """/JavaScript and /JS spelt /J#61vaScript and /J#53, which mean the same to a viewer. The script object is the
    last before the cross-reference table, so only ``startxref`` moves."""
    hidden = content.replace(b"/S /JavaScript\n/JS (", b"/S /J#61vaScript\n/J#53 (")
    assert hidden != content
    head, _, _ = hidden.rpartition(b"startxref")
    return head + b"startxref\n%d\n%%%%EOF\n" % (hidden.index(b"\nxref\n") + 1)


def embedded_files_tree_alone(writer):
    writer.root_object[name("/Names")] = DictionaryObject(
        {name("/EmbeddedFiles"): DictionaryObject({name("/Names"): ArrayObject()})}
    )


def file_spec_with_an_embedded_file(writer):
    data = DecodedStreamObject()
    data.set_data(b"hello")
    file_spec = DictionaryObject(
        {name("/F"): TextStringObject("a.txt"), name("/EF"): DictionaryObject({name("/F"): writer._add_object(data)})}
    )
    writer._add_object(file_spec)


def embedded_file_stream_alone(writer):
    data = DecodedStreamObject()
    data.set_data(b"hello")
    data[name("/Type")] = name("/EmbeddedFile")
    writer._add_object(data)


def attachment(writer):
    writer.add_attachment("a.txt", "另一份材料".encode())


def file_attachment_annotation(writer):
    file_spec = DictionaryObject({name("/Type"): name("/Filespec"), name("/F"): TextStringObject("a.txt")})
    annotate(writer, {name("/Subtype"): name("/FileAttachment"), name("/FS"): writer._add_object(file_spec)})


HOSTILE = [
    pytest.param(document_javascript, SCRIPT, id="document-javascript"),
    pytest.param(open_action_javascript, SCRIPT, id="open-action-javascript"),
    pytest.param(open_action_launch, SCRIPT, id="open-action-launch"),
    pytest.param(open_action_to_a_web_page, SCRIPT, id="open-action-uri"),
    pytest.param(page_additional_actions, SCRIPT, id="page-additional-actions"),
    pytest.param(link_running_javascript, SCRIPT, id="annotation-javascript"),
    pytest.param(link_launching_a_program, SCRIPT, id="annotation-launch"),
    pytest.param(script_chained_after_going_to_the_first_page, SCRIPT, id="go-to-then-javascript"),
    pytest.param(script_nobody_refers_to, SCRIPT, id="unreferenced-javascript"),
    pytest.param(script_text_alone, SCRIPT, id="js-entry"),
    pytest.param(script_tree_alone, SCRIPT, id="javascript-names-tree"),
    pytest.param(javascript_action_type_behind_a_reference, SCRIPT, id="javascript-action-type-by-reference"),
    pytest.param(attachment, EMBEDDED, id="embedded-file"),
    pytest.param(file_attachment_annotation, EMBEDDED, id="file-attachment-annotation"),
    pytest.param(embedded_files_tree_alone, EMBEDDED, id="embedded-files-names-tree"),
    pytest.param(file_spec_with_an_embedded_file, EMBEDDED, id="file-spec-ef"),
    pytest.param(embedded_file_stream_alone, EMBEDDED, id="embedded-file-stream"),
]

# The four the issue names, also sent through the editor's upload.
THROUGH_THE_EDITOR = [
    p
    for p in HOSTILE
    if p.id in {"document-javascript", "open-action-javascript", "open-action-launch", "embedded-file"}
]


def upload(content, filename="组建协议.pdf"):
    return SimpleUploadedFile(filename, content, content_type="application/pdf")


def stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


@pytest.mark.parametrize("change, message", HOSTILE)
def test_check_pdf_refuses_active_content(change, message):
    with pytest.raises(DomainError) as refused:
        check_pdf(upload(build(change)))
    assert refused.value.message == message
    assert refused.value.field == "file"


def test_names_spelt_with_escapes_are_still_recognised():
    content = names_written_with_escapes(build(script_nobody_refers_to))
    with pytest.raises(DomainError) as refused:
        check_pdf(upload(content))
    assert refused.value.message == SCRIPT


def go_to_first_page_on_opening(writer):
    # What LaTeX (hyperref) writes: open at the first page, fitted. Goes nowhere else and runs nothing.
    first_page = writer.pages[0].indirect_reference
    go_to = action("/GoTo", **{name("/D"): ArrayObject([first_page, name("/Fit")])})
    go_to[name("/Next")] = NullObject()
    writer.root_object[name("/OpenAction")] = writer._add_object(go_to)


def open_at_a_destination(writer):
    writer.open_destination = writer.pages[0]  # /OpenAction [page /Fit], as office suites write


def link_to_a_web_page(writer):
    annotate(
        writer,
        {name("/Subtype"): name("/Link"), name("/A"): action("/URI", **{name("/URI"): TextStringObject("http://x")})},
    )


@pytest.mark.parametrize(
    "change",
    [None, go_to_first_page_on_opening, open_at_a_destination, link_to_a_web_page],
    ids=lambda change: change.__name__ if change else "blank",
)
def test_ordinary_pdfs_pass(change):
    content = build(change, pages=20)
    checked = check_pdf(upload(content))
    assert checked.pages == 20
    assert checked.size == len(content)


def many_direct_dictionaries(writer):
    writer.root_object[name("/PieceInfo")] = ArrayObject(DictionaryObject() for _ in range(30))


def many_references_to_missing_objects(writer):
    writer.root_object[name("/PieceInfo")] = ArrayObject(IndirectObject(900 + n, 0, writer) for n in range(5))


@pytest.mark.parametrize(
    "change, limit, at",
    [
        (None, "MAX_INSPECTED_OBJECTS", 10),  # 20 pages: more objects listed than that
        (many_direct_dictionaries, "MAX_INSPECTED_OBJECTS", 20),  # few objects, but many dictionaries inside them
        (many_references_to_missing_objects, "MAX_UNLISTED_REFERENCES", 3),  # each would be searched for
    ],
    ids=["objects-listed", "dictionaries-inspected", "references-to-missing-objects"],
)
def test_a_pdf_too_complex_to_inspect_is_refused(monkeypatch, change, limit, at):
    content = build(change, pages=20 if change is None else 1)
    assert check_pdf(upload(content)).pages >= 1  # within the limits as configured
    monkeypatch.setattr(documents, limit, at)
    with pytest.raises(DomainError) as refused:
        check_pdf(upload(content))
    assert refused.value.message == TOO_COMPLEX


def test_the_size_limit_and_the_content_check_still_apply(settings):
    with pytest.raises(DomainError, match="不是有效的 PDF"):
        check_pdf(upload("这不是 PDF 文件".encode()))
    settings.DOCUMENT_MAX_BYTES = 1024
    with pytest.raises(DomainError, match="超过"):
        check_pdf(upload(build(pages=3) + b" " * 2048))


@pytest.mark.parametrize("change, message", THROUGH_THE_EDITOR)
def test_the_editor_refuses_the_upload_and_stores_nothing(editor, media, change, message):
    response = editor.upload(pdf_upload(content=build(change)))

    assert response.status_code == 200
    assert message in " ".join(response.context["upload_form"].errors["file"])
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_the_editor_stores_a_clean_pdf(editor, media):
    # The counterpart of the refusals above: the same upload of a clean file is stored.
    assert editor.upload(pdf_upload(content=build(go_to_first_page_on_opening))).status_code == 302
    assert Document.objects.filter(consortium=editor.consortium).count() == 1
    assert len(stored_files(media)) == 1


@pytest.fixture
def active(demo_users, media):
    return active_consortium(lead=demo_users["lead-a"], end_date=date(2027, 12, 31))


def test_revocation_evidence_with_an_embedded_file_is_refused(demo_users, active, media):
    evidence = [upload(build(), "调查报告.pdf"), upload(build(attachment), "附件.pdf")]

    with pytest.raises(DomainError) as refused:
        revoke_consortium(
            consortium_id=active.pk,
            actor=demo_users["city"],
            reason="弄虚作假。",
            evidence=evidence,
            valid_from=timezone.localdate(),
            valid_until=None,
        )

    assert refused.value.message == f"“附件.pdf”：{EMBEDDED}"
    active.refresh_from_db()
    assert active.status == Status.ACTIVE
    assert not Revocation.objects.exists()
    assert not LifecycleDocument.objects.exists()
    assert not WorkflowEvent.objects.exists()
    assert stored_files(media) == []


def test_the_revocation_page_shows_why_the_evidence_was_refused(client, demo_users, active, media):
    client.force_login(demo_users["city"])
    today = timezone.localdate()
    response = client.post(
        reverse("lifecycle:revoke", args=[active.pk]),
        {
            "reason": "申报材料中伪造合作单位签章。",
            "evidence": [upload(build(attachment), "附件.pdf")],
            "valid_from": today.isoformat(),
            "valid_until": (today + timedelta(days=365)).isoformat(),
            "confirm": "on",
        },
    )

    assert response.status_code == 200
    assert EMBEDDED in response.content.decode()
    active.refresh_from_db()
    assert active.status == Status.ACTIVE
    assert not LifecycleDocument.objects.exists()
    assert stored_files(media) == []
