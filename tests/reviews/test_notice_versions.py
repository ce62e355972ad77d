"""Issue 17, items 3 and 4: every notice issued carries a verification code and a QR code of its public verification
URL, both drawn into the PDF; a reissue gives a new version with its own code and hash and keeps the old one, which
names its successor."""

import hashlib
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from PIL import Image
from pyzbar.pyzbar import decode

from portal.exceptions import DomainError
from portal.models import AuditEvent, Notification
from reviews.models import FilingNotice, SupersededNotice
from reviews.notice import notice_sha256, render_filing_notice
from reviews.services import notice_data, reissue_notice
from tests.lifecycle.factories import active_consortium, lead_user, organisation
from tests.lifecycle.test_revocation import revoke
from tests.reviews.test_workflow import decide

pytestmark = pytest.mark.django_db

BASE_URL = "https://kjj.nanjing.example.cn"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.PORTAL_BASE_URL = BASE_URL + "/"


def approve(demo_users, consortium):
    """Approve through the review page, as the district officer and city staff do."""
    decide(demo_users["jiangning"], consortium, "recommend")
    decide(demo_users["city"], consortium, "approve", "同意备案。")
    consortium.refresh_from_db()
    return consortium.notice


@pytest.fixture
def approved(submitted, demo_users):
    approve(demo_users, submitted)
    return submitted


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def first_page_png(pdf: bytes, directory: Path) -> Path:
    """The first page as pdftoppm draws it at 150 dpi."""
    source = directory / "notice.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", "-singlefile", source, directory / "page1"])
    return directory / "page1.png"


def qr_codes(png: Path) -> list[str]:
    return [symbol.data.decode() for symbol in decode(Image.open(png)) if symbol.type == "QRCODE"]


def test_approval_issues_version_one_with_an_unguessable_code(approved):
    notice = approved.notice
    other = FilingNotice.objects.exclude(pk=notice.pk).values_list("verification_code", flat=True)
    assert notice.version == 1 and notice.reason == "" and notice.code_printed
    assert len(notice.verification_code) >= 16
    assert set(notice.verification_code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert notice.verification_code not in other


def test_the_notice_prints_its_code_and_a_qr_code_of_its_verification_url(approved, tmp_path, output_path):
    notice = approved.notice
    pdf = notice.file.read()
    url = f"{BASE_URL}/verify/{notice.verification_code}/"
    text = pdf_text(pdf)
    assert f"验证码：{notice.verification_code}" in text
    # A code with "-" may break there at the end of a line, and the text extraction drops a hyphen it joins on; the
    # QR code below is compared whole.
    assert url.replace("-", "") in text.replace("\n", "").replace("-", "")
    png = first_page_png(pdf, tmp_path)
    assert qr_codes(png) == [url]
    Path(output_path).mkdir(parents=True, exist_ok=True)
    (Path(output_path) / "notice-page1.png").write_bytes(png.read_bytes())
    # The hash recorded covers the code: a re-render from the facts gives the bytes issued.
    assert hashlib.sha256(pdf).hexdigest() == notice.sha256
    assert notice_sha256(render_filing_notice(notice_data(approved))) == notice.sha256


def test_a_reissue_gives_a_new_code_and_hash_and_keeps_the_old_version_naming_it(approved, demo_users):
    before = approved.notice
    old = {"code": before.verification_code, "sha256": before.sha256, "file": before.file.name}
    type(approved).objects.filter(pk=approved.pk).update(name="南京市更正名称创新联合体")
    notice = reissue_notice(consortium_id=approved.pk, actor=demo_users["city"], reason="市科技局更正联合体名称。")

    notice.refresh_from_db()
    assert (notice.version, notice.reason) == (2, "市科技局更正联合体名称。")
    assert notice.verification_code != old["code"] and notice.sha256 != old["sha256"]
    pdf = notice.file.read()
    assert hashlib.sha256(pdf).hexdigest() == notice.sha256
    assert "南京市更正名称创新联合体" in pdf_text(pdf)
    assert f"验证码：{notice.verification_code}" in pdf_text(pdf)

    superseded = SupersededNotice.objects.get(consortium=approved)
    assert (superseded.version, superseded.verification_code, superseded.sha256) == (1, old["code"], old["sha256"])
    assert superseded.superseded_by_code == notice.verification_code
    assert superseded.file.name == old["file"]
    assert hashlib.sha256(superseded.file.read()).hexdigest() == old["sha256"]
    event = AuditEvent.objects.get(changes__action="reissue_notice")
    assert (event.actor, event.changes["version"]) == (demo_users["city"], 2)
    assert Notification.objects.filter(recipient=demo_users["lead-a"], subject__contains="重新出具").exists()

    # A second reissue chains on: version 2 now names version 3.
    third = reissue_notice(consortium_id=approved.pk, actor=demo_users["city"], reason="记录省级认定。")
    second = SupersededNotice.objects.get(consortium=approved, version=2)
    assert second.superseded_by_code == third.verification_code and third.version == 3


@pytest.mark.parametrize(
    ("username", "reason", "message"),
    [
        ("lead-a", "更正名称。", "只有市科技局可以重新出具备案通知书。"),
        ("jiangning", "更正名称。", "只有市科技局可以重新出具备案通知书。"),
        ("city", "  ", "请填写重新出具的原因。"),
    ],
)
def test_a_reissue_is_refused_to_others_than_city_staff_and_without_a_reason(
    approved, demo_users, username, reason, message
):
    code = approved.notice.verification_code
    with pytest.raises(DomainError, match=message):
        reissue_notice(consortium_id=approved.pk, actor=demo_users[username], reason=reason)
    assert FilingNotice.objects.get(consortium=approved).verification_code == code
    assert not SupersededNotice.objects.exists()


def test_a_revoked_consortium_gets_no_new_notice(approved, demo_users):
    revoke(approved, demo_users["city"])
    with pytest.raises(DomainError, match="已撤销备案的联合体不再出具备案通知书。"):
        reissue_notice(consortium_id=approved.pk, actor=demo_users["city"], reason="更正名称。")
    assert not SupersededNotice.objects.exists()


def test_city_staff_reissue_from_the_page_with_a_reason(approved, demo_users):
    url = reverse("reviews:reissue_notice", args=[approved.pk])
    client = Client()
    client.force_login(demo_users["city"])
    # The review page offers it to city staff only.
    assert f'href="{url}"' in client.get(reverse("reviews:review", args=[approved.pk])).content.decode()
    district = Client()
    district.force_login(demo_users["jiangning"])
    assert f'href="{url}"' not in district.get(reverse("reviews:review", args=[approved.pk])).content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert "现行通知书：第 1 版" in page.content.decode()
    refused = client.post(url, {"reason": ""})
    assert "请填写重新出具的原因。" in refused.content.decode()
    assert approved.notice.version == 1
    response = client.post(url, {"reason": "更正联合体名称。"}, follow=True)
    assert "已重新出具备案通知书（第 2 版）。" in response.content.decode()
    assert FilingNotice.objects.get(consortium=approved).version == 2

    lead = Client()
    lead.force_login(demo_users["lead-a"])
    assert lead.get(url).status_code == 403
    assert lead.post(url, {"reason": "x"}).status_code == 403
    assert FilingNotice.objects.get(consortium=approved).version == 2


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_notices_issued_before_it_a_code_each_and_marks_them_unprinted(reference_data):
    lead = lead_user(organisation(name="南京迁移测试有限公司"))
    consortia = [active_consortium(lead=lead, end_date=date(2028, 12, day)) for day in (1, 2)]
    before, after = [("reviews", "0002_opinions_and_notices")], [("reviews", "0004_notice_codes_unique")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    OldNotice = executor.loader.project_state(before).apps.get_model("reviews", "FilingNotice")
    for consortium in consortia:
        OldNotice.objects.create(consortium_id=consortium.pk, file="notices/old.pdf", sha256="0" * 64, size=1)
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    rows = list(FilingNotice.objects.values("verification_code", "code_printed", "version", "sha256"))
    assert len({row["verification_code"] for row in rows}) == 2
    assert all(len(row["verification_code"]) >= 16 for row in rows)
    assert {(row["code_printed"], row["version"], row["sha256"]) for row in rows} == {(False, 1, "0" * 64)}


def test_verify_documents_checks_the_superseded_versions_too(approved, demo_users):
    """A reissued notice's old version stays evidence of what was issued: its file is checked against its hash."""
    from io import StringIO

    from django.core.management import call_command

    reissue_notice(consortium_id=approved.pk, actor=demo_users["city"], reason="更正联合体名称。")
    superseded = SupersededNotice.objects.get(consortium=approved)
    with superseded.file.open("ab") as stored:
        stored.write(b"%% altered")
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("verify_documents", stdout=out, stderr=err)
    assert exit_status.value.code == 1
    assert f"reviews.SupersededNotice #{superseded.pk}（{superseded.file.name}）" in err.getvalue()
