"""The living demo (issue 15, item 1): after ``seed_demo`` every demo account finds work on its home page, every state
of a consortium's life has a consortium, each made through the portal's own services, and a second run changes
nothing."""

import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from annual_reports.models import AnnualReport, ReportStatus
from consortia.models import ChangeRecord, Consortium, DishonestyRecord, ProvincialRecognition, WorkflowEvent
from consortia.states import Status
from consortia.workflow.transitions import IMPORTED
from portal.models import User
from reviews.models import FilingNotice

PANEL = re.compile(
    r'data-testid="panel">.*?<h2[^>]*>(?P<title>[^<]+)</h2>\s*(?:<p class="display-6 mb-0">(?P<count>\d+)</p>)?', re.S
)
# Counts of what a unit has, not of what waits for anyone.
NOT_WORK = {"本单位的创新联合体备案", "系统管理"}


@pytest.fixture
def seeded(reference_data, settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "private-media"
    call_command("seed_demo", stdout=StringIO())
    return settings.MEDIA_ROOT


def home_work(client, user) -> dict[str, int]:
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    return {
        m["title"].strip(): int(m["count"] or 0) for m in PANEL.finditer(page) if m["title"].strip() not in NOT_WORK
    }


@pytest.mark.django_db
def test_every_demo_account_finds_work_on_its_home_page(client, seeded):
    work = {user.username: home_work(client, user) for user in User.objects.all()}
    assert set(work) == {"admin", "city", "jiangning", "xuanwu", "lead-a", "lead-b", "lead-c"}
    idle = sorted(name for name, panels in work.items() if not any(panels.values()))
    assert idle == []
    # Work of the role itself, not only messages: a filing to review, a draft or return to answer, a report to fill.
    assert work["jiangning"]["待初审的备案申请"] == 1
    assert work["xuanwu"]["待初审的备案申请"] == 1
    assert work["city"]["待审核备案的申请"] == 1
    assert work["city"]["待审核的年度报告"] == 1
    assert work["lead-a"]["待填写或修改的备案"] == 1
    assert work["lead-b"]["待填写或修改的备案"] == 1
    assert work["lead-c"]["待填报或修改的年度报告"] >= 1
    # The administrator's export of the portfolio ran and the message says so.
    assert work["admin"]["未读通知"] == 1
    assert User.objects.get(username="admin").notifications.get().subject.startswith("导出")


@pytest.mark.django_db
def test_every_state_of_the_life_has_a_consortium_made_through_the_door(seeded):
    assert set(Consortium.objects.values_list("status", flat=True)) == set(Status.values)
    for consortium in Consortium.objects.exclude(status=Status.DRAFT):
        # The history explains the state: the last event of each leads to it.
        last = consortium.events.order_by("-occurred_at", "-pk").first()
        assert last is not None and last.to_status == consortium.status, consortium.name
    resubmitted = Consortium.objects.get(name="南京市碳化硅功率模块封装创新联合体")
    assert resubmitted.status == Status.DISTRICT_REVIEW
    assert list(resubmitted.events.order_by("occurred_at", "pk").values_list("action", flat=True)) == [
        "submit",
        "return",
        "submit",
    ]
    assert resubmitted.submissions.count() == 2
    imported = WorkflowEvent.objects.filter(action=IMPORTED).values_list("consortium__status", flat=True)
    assert set(imported) == {Status.ACTIVE, Status.EXPIRED, Status.COMPLETED, Status.REVOKED}


@pytest.mark.django_db
def test_the_demo_has_notices_an_expiring_consortium_a_revocation_recognition_changes_and_every_report_status(
    seeded,
):
    today = timezone.localdate()
    approved = Consortium.objects.filter(status=Status.ACTIVE, submissions__isnull=False).distinct()
    assert approved.count() == 2
    for consortium in approved:
        assert consortium.filing_number.startswith(f"宁创联备〔{today.year}〕")
        notice = FilingNotice.objects.get(consortium=consortium)
        assert notice.file.read().startswith(b"%PDF-")
    assert Consortium.objects.filter(status=Status.ACTIVE, end_date__range=(today, today + timedelta(days=90))).exists()
    revoked = Consortium.objects.get(status=Status.REVOKED)
    assert DishonestyRecord.objects.filter(organisation=revoked.lead_organisation).exists()
    assert ProvincialRecognition.objects.filter(consortium__status=Status.ACTIVE).exists()
    change = ChangeRecord.objects.get()
    assert change.membership.organisation.name == "南京示范检测认证有限公司"
    assert set(AnnualReport.objects.values_list("status", flat=True)) == set(ReportStatus.values)
    accepted = AnnualReport.objects.get(status=ReportStatus.ACCEPTED)
    assert accepted.change_explanations.get().change == change


@pytest.mark.django_db
def test_every_document_of_the_demo_is_a_real_file_with_its_hash(seeded):
    out = StringIO()
    call_command("verify_documents", stdout=out)  # exits 1 (SystemExit) on any missing or altered file
    assert "0 份缺失，0 份被改动" in out.getvalue()
    assert any(Path(seeded).rglob("*.pdf"))


def everything() -> str:
    out = StringIO()
    call_command("dumpdata", "--natural-foreign", "--exclude", "sessions", "--exclude", "contenttypes", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_running_it_twice_changes_nothing(seeded):
    before, files = everything(), sorted(Path(seeded).rglob("*"))
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo consortia made this time: 0" in out.getvalue()
    assert everything() == before
    assert sorted(Path(seeded).rglob("*")) == files


@pytest.mark.django_db
def test_the_district_sees_what_the_resubmission_changed(client, seeded):
    resubmitted = Consortium.objects.get(name="南京市碳化硅功率模块封装创新联合体")
    client.force_login(User.objects.get(username="jiangning"))
    text = re.sub(
        r"\s+",
        " ",
        re.sub(r"<[^>]+>", " ", client.get(reverse("reviews:review", args=[resubmitted.pk])).content.decode()),
    )
    assert "修改前 修改后 新增 南京示范检测认证有限公司" in text
    assert "请补充具备检测认证能力的参与单位" in text  # the district's own return, in the history
