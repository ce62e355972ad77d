"""What a lead unit submitted stays exactly as it was (guideline §5.3: a revocation stands on evidence that cannot
have been changed): submitted documents are never deleted or replaced, and reviewers see the last submission —
its snapshot and its documents — never the lead unit's unsent edits."""

import hashlib

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from consortia.models import Consortium, Document, Section
from consortia.services import delete_document, section_version, submit_filing, upload_document
from consortia.states import Status
from reviews.services import review_filing

from .conftest import make_pdf, pdf_upload

pytestmark = pytest.mark.django_db


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_files(media) -> set[str]:
    return {str(path.relative_to(media)) for path in media.rglob("*") if path.is_file()}


@pytest.fixture
def returned(editor, demo_users):
    """Filled in and uploaded through the editor, submitted, and returned by the district."""
    editor.fill_everything()
    submit_filing(consortium_id=editor.consortium.pk, actor=demo_users["lead-a"])
    review_filing(
        consortium_id=editor.consortium.pk,
        actor=demo_users["jiangning"],
        decision="return",
        comment="请补充组建协议签字页。",
        expected_status=Status.DISTRICT_REVIEW,
    )
    return editor


def client_of(user) -> Client:
    """A browser of its own (the ``client`` fixture is the lead unit's, signed in by ``lead_client``)."""
    client = Client()
    client.force_login(user)
    return client


def download(client, consortium, document):
    response = client.get(reverse("consortia:document", args=[consortium.pk, document.pk]))
    return response.status_code, b"".join(response.streaming_content) if response.status_code == 200 else b""


def test_a_submitted_document_cannot_be_deleted_and_its_file_stays(returned, media):
    document = Document.objects.get(consortium=returned.consortium)
    files_before = stored_files(media)

    response = returned.client.post(
        reverse("consortia:delete_document", args=[returned.consortium.pk, document.pk]),
        {"loaded_version": returned.version(Section.DOCUMENTS)},
        follow=True,
    )

    assert "已随第 1 次提交存档，不能删除或替换" in response.content.decode()
    assert Document.objects.filter(pk=document.pk).exists()
    assert stored_files(media) == files_before
    page = returned.client.get(returned.url(Section.DOCUMENTS)).content.decode()
    assert "已随第 1 次提交存档" in page


def test_the_reviewer_sees_and_downloads_the_submitted_file_not_the_new_upload(returned, demo_users):
    original = Document.objects.get(consortium=returned.consortium)
    original_hash = original.sha256
    corrected = make_pdf(pages=2)
    assert returned.upload(pdf_upload("组建协议（更正）.pdf", corrected)).status_code == 302
    new = Document.objects.exclude(pk=original.pk).get(consortium=returned.consortium)

    client = client_of(demo_users["jiangning"])
    review_page = client.get(reverse("reviews:review", args=[returned.consortium.pk])).content.decode()
    assert "组建协议.pdf" in review_page and "组建协议（更正）.pdf" not in review_page
    status, content = download(client, returned.consortium, original)
    assert status == 200 and sha256(content) == original_hash
    assert download(client, returned.consortium, new)[0] == 404  # not sent yet: only the lead unit has it
    assert sha256(download(returned.client, returned.consortium, new)[1]) == sha256(corrected)


def test_the_next_submission_records_both_documents_and_the_first_keeps_its_own(returned, demo_users):
    first = returned.consortium.submissions.get()
    assert returned.upload(pdf_upload("组建协议（更正）.pdf", make_pdf(pages=2))).status_code == 302

    submit_filing(consortium_id=returned.consortium.pk, actor=demo_users["lead-a"])

    second = returned.consortium.submissions.get(number=2)
    assert first.documents.count() == 1
    assert sorted(second.documents.values_list("original_name", flat=True)) == ["组建协议.pdf", "组建协议（更正）.pdf"]
    assert sorted(d["name"] for d in second.details["documents"]) == ["组建协议.pdf", "组建协议（更正）.pdf"]


def test_an_unsent_document_loses_its_file_only_when_the_deletion_commits(
    editor, media, demo_users, django_capture_on_commit_callbacks
):
    editor.upload()
    document = Document.objects.get(consortium=editor.consortium)
    path = media / document.file.name

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        delete_document(
            consortium_id=editor.consortium.pk,
            actor=demo_users["lead-a"],
            document_id=document.pk,
            loaded_version=editor.version(Section.DOCUMENTS),
        )
        raise Refused
    assert path.exists() and Document.objects.filter(pk=document.pk).exists()

    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        response = editor.client.post(
            reverse("consortia:delete_document", args=[editor.consortium.pk, document.pk]),
            {"loaded_version": editor.version(Section.DOCUMENTS)},
        )
    assert response.status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    assert path.exists()  # until the deletion commits
    for callback in on_commit:
        callback()
    assert not path.exists()


def test_an_upload_whose_save_is_refused_leaves_no_file(editor, media, demo_users):
    editor.upload()
    files_before = stored_files(media)
    stale = section_version(Consortium.objects.get(pk=editor.consortium.pk), Section.DOCUMENTS).number - 1

    with pytest.raises(Exception, match="保存未成功"):
        upload_document(
            consortium_id=editor.consortium.pk,
            actor=demo_users["lead-a"],
            kind=Document.Kind.OTHER,
            uploaded_file=pdf_upload("说明.pdf"),
            loaded_version=stale,
        )

    assert Document.objects.filter(consortium=editor.consortium).count() == 1
    assert stored_files(media) == files_before


@pytest.mark.parametrize("reviewer", ["jiangning", "city"])
def test_reviewers_of_a_returned_filing_see_what_was_submitted_not_the_unsent_edits(returned, demo_users, reviewer):
    assert returned.fill_basic(name="南京市尚未提交的新名称创新联合体").status_code == 302
    assert Consortium.objects.get(pk=returned.consortium.pk).name == "南京市尚未提交的新名称创新联合体"

    client = client_of(demo_users[reviewer])
    page = client.get(reverse("consortia:detail", args=[returned.consortium.pk])).content.decode()
    assert "该申请已退回修改，以下为第 1 次提交的内容。" in page
    assert "备案内容（第 1 次提交）" in page
    assert "南京市第三代半导体功率器件创新联合体" in page and "尚未提交的新名称" not in page
    exported = client.get(reverse("consortia:export", args=[returned.consortium.pk])).json()
    assert exported["name"] == "南京市第三代半导体功率器件创新联合体"
    eligibility = client.get(reverse("consortia:eligibility", args=[returned.consortium.pk]))
    assert eligibility.status_code == 302 and eligibility.url == reverse(
        "reviews:review", args=[returned.consortium.pk]
    )

    own = returned.client.get(reverse("consortia:detail", args=[returned.consortium.pk])).content.decode()
    assert "备案内容（当前）" in own and "尚未提交的新名称" in own


def test_city_staff_do_not_see_a_draft_that_was_never_sent(editor, demo_users):
    editor.fill_basic()
    client = client_of(demo_users["city"])

    assert client.get(reverse("consortia:detail", args=[editor.consortium.pk])).status_code == 404
    assert not Consortium.objects.visible_to(demo_users["city"]).filter(pk=editor.consortium.pk).exists()
    assert Consortium.objects.visible_to(demo_users["admin"]).filter(pk=editor.consortium.pk).exists()


def test_the_queue_names_a_returned_filing_as_it_was_submitted(returned, demo_users):
    assert returned.fill_basic(name="南京市尚未提交的新名称创新联合体").status_code == 302

    page = client_of(demo_users["jiangning"]).get(reverse("reviews:queue"), {"status": Status.RETURNED})

    rows = page.content.decode()
    assert "南京市第三代半导体功率器件创新联合体" in rows and "尚未提交的新名称" not in rows
