"""Issue 17, item 3: /verify/<code>/, open to anybody without login or cookie, shows the facts of the notice printed
with the code, the consortium's status now and the SHA-256 of the notice as issued, and compares an uploaded file with
that hash, storing nothing of it; unknown codes get one neutral answer, and each address is limited."""

import hashlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consortia.models import Consortium
from portal.models import AuditEvent
from public.views import VERIFICATIONS, VERIFY_ACTION
from reviews.models import FilingNotice, new_verification_code
from reviews.services import reissue_notice
from tests.factories import submitted_filing
from tests.lifecycle.test_revocation import revoke
from tests.public.test_public_list import assert_no_cookie
from tests.reviews.test_notice_versions import approve

pytestmark = pytest.mark.django_db

NOT_FOUND = "未找到该验证码对应的备案通知书"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def approved(demo_users, media):
    consortium = submitted_filing(lead_user=demo_users["lead-a"])
    approve(demo_users, consortium)
    return consortium


def url(code: str) -> str:
    return reverse("verify:notice", args=[code])


def page(client, code: str):
    response = client.get(url(code))
    return response, response.content.decode()


def issued_pdf(consortium) -> bytes:
    with FilingNotice.objects.get(consortium=consortium).file.open("rb") as stored:
        return stored.read()


def stored_state(media) -> tuple:
    """Every row of every model and every file under MEDIA_ROOT, apart from the audit log."""
    rows = {model._meta.label: model.objects.count() for model in apps.get_models() if model is not AuditEvent}
    files = sorted(str(path) for path in media.rglob("*"))
    return rows, files


def test_the_page_of_an_active_consortium_shows_its_facts_and_the_issued_sha256_without_a_cookie(approved):
    notice = approved.notice
    assert notice.verification_code
    assert url(notice.verification_code) == f"/verify/{notice.verification_code}/"
    response, text = page(Client(), notice.verification_code)
    assert response.status_code == 200
    assert_no_cookie(response)
    assert response["Cache-Control"] == "no-store"
    for fact in [
        approved.filing_number,
        approved.name,
        approved.lead_organisation.name,
        f"{approved.start_date:%Y-%m-%d} 至 {approved.end_date:%Y-%m-%d}",
        "已备案（建设期内）",
        "该联合体备案有效，处于建设期内。",
        hashlib.sha256(issued_pdf(approved)).hexdigest(),
    ]:
        assert fact in text, fact
    assert "alert-success" in text
    # Nothing else of the filing: no member and no USCC.
    member = approved.memberships.select_related("organisation").first().organisation
    assert member.name not in text and approved.lead_organisation.uscc not in text


def test_after_revocation_the_page_says_revoked_in_a_red_alert(approved, demo_users):
    revoke(approved, demo_users["city"])
    response, text = page(Client(), approved.notice.verification_code)
    assert response.status_code == 200
    assert "该联合体已撤销备案，本通知书不再有效。" in text and "alert alert-danger" in text
    assert "已撤销备案" in text


def test_an_expired_consortium_shows_expired_in_an_amber_alert(approved):
    Consortium.objects.filter(pk=approved.pk).update(status="expired")
    _response, text = page(Client(), approved.notice.verification_code)
    assert "该联合体建设期已满，备案已终止。" in text and "alert alert-warning" in text


def test_the_issued_pdf_matches_any_other_file_does_not_and_nothing_is_stored(approved, media, settings):
    code = approved.notice.verification_code
    before = stored_state(media)
    # CSRF checks on, no cookie in the client: the form works as a visitor's browser posts it.
    client = Client(enforce_csrf_checks=True)
    pdf = issued_pdf(approved)
    matched = client.post(url(code), {"document": SimpleUploadedFile("通知书.pdf", pdf, "application/pdf")})
    assert matched.status_code == 200
    assert_no_cookie(matched)
    assert "一致：该文件与平台出具的通知书完全相同。" in matched.content.decode()

    altered = pdf[:-10] + b"0" * 10
    other = client.post(url(code), {"document": SimpleUploadedFile("通知书.pdf", altered, "application/pdf")})
    text = other.content.decode()
    assert "不一致：该文件不是平台出具的这份通知书，或已被改动。" in text
    assert hashlib.sha256(altered).hexdigest() in text

    # Past FILE_UPLOAD_MAX_MEMORY_SIZE Django's own handler would write a temporary file: this one writes none.
    large = b"%PDF-1.7\n" + b"x" * (settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1)
    client.post(url(code), {"document": SimpleUploadedFile("大文件.pdf", large, "application/pdf")})

    assert stored_state(media) == before
    assert list(settings.FILE_UPLOAD_TEMP_DIR.iterdir()) == []


def test_a_post_without_a_file_asks_for_one(approved):
    response = Client().post(url(approved.notice.verification_code), {})
    assert response.status_code == 200
    assert "请选择要核验的 PDF 文件。" in response.content.decode()


# A well-formed code no notice has, written out: a code drawn at import would name the test differently in every
# session, and mutmut finds a test by its name.
WELL_FORMED_UNKNOWN_CODE = "kGJRB28_O0ev76labHVCuQ"


@pytest.mark.parametrize("code", [WELL_FORMED_UNKNOWN_CODE, "short", "x" * 200])
def test_an_unknown_code_gets_the_one_neutral_answer(approved, code):
    client = Client()
    response, text = page(client, code)
    assert response.status_code == 404
    assert_no_cookie(response)
    assert NOT_FOUND in text
    assert approved.filing_number not in text
    posted = client.post(url(code), {"document": SimpleUploadedFile("a.pdf", b"%PDF-", "application/pdf")})
    assert posted.status_code == 404 and NOT_FOUND in posted.content.decode()


def test_every_lookup_is_audited_with_the_address_and_only_a_prefix_of_the_code(approved):
    code = approved.notice.verification_code
    Client(REMOTE_ADDR="203.0.113.7").get(url(code))
    event = AuditEvent.objects.get(changes__action=VERIFY_ACTION)
    assert event.ip_address == "203.0.113.7"
    assert event.changes == {"action": VERIFY_ACTION, "code_prefix": code[:4], "found": True, "upload": False}
    assert code not in str(event.changes)


def test_an_address_past_the_limit_is_answered_429_and_others_are_not(approved):
    code = approved.notice.verification_code
    crowded = Client(REMOTE_ADDR="198.51.100.1")
    for _ in range(VERIFICATIONS.limit - 1):
        assert crowded.get(url(code)).status_code == 200
    # The last one allowed, looked up with an unknown code, counts the same.
    assert crowded.get(url(new_verification_code())).status_code == 404
    refused = crowded.get(url(code))
    assert refused.status_code == 429
    assert_no_cookie(refused)
    assert "核验过于频繁，请 10 分钟后再试。" in refused.content.decode()
    assert crowded.post(url(code), {}).status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.2").get(url(code)).status_code == 200
    # Once the window has passed the address may look again.
    AuditEvent.objects.filter(ip_address="198.51.100.1").update(occurred_at=timezone.now() - timedelta(minutes=11))
    assert crowded.get(url(code)).status_code == 200


def test_a_superseded_version_says_so_and_links_the_newer_code(approved, demo_users):
    old = approved.notice.verification_code
    old_pdf = issued_pdf(approved)
    new = reissue_notice(consortium_id=approved.pk, actor=demo_users["city"], reason="更正联合体名称。")
    response, text = page(Client(), old)
    assert response.status_code == 200
    assert "本版本通知书已被重新出具的新版本替代，请以新版本为准：" in text
    assert f'href="/verify/{new.verification_code}/"' in text
    assert hashlib.sha256(old_pdf).hexdigest() in text
    # The old PDF still matches its own version; the new page shows the new hash and no supersession.
    posted = Client().post(url(old), {"document": SimpleUploadedFile("v1.pdf", old_pdf, "application/pdf")})
    assert "一致：" in posted.content.decode()
    _response, newer = page(Client(), new.verification_code)
    assert new.sha256 in newer and "已被重新出具的新版本替代" not in newer and "第 2 版" in newer


def test_a_notice_issued_before_codes_were_printed_says_its_pdf_lacks_the_code(approved):
    FilingNotice.objects.filter(consortium=approved).update(code_printed=False)
    _response, text = page(Client(), approved.notice.verification_code)
    assert "通知书上未印验证码和二维码" in text
