"""Notifications that finish (issue 12): a message asking for work — a filing to pre-screen (待初审), a recommended
filing to review (待审核), a completion declaration to confirm — is marked done when the work is done, whoever did it,
and the inbox lists open work apart from what is for information or done."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consortia.lifecycle.jobs import expire_due_consortia
from consortia.lifecycle.services import confirm_completion, declare_completion, decline_completion, revoke_consortium
from consortia.services import submit_filing
from portal import services
from portal.models import Notification, Role, User
from reviews.services import review_filing
from tests.factories import pdf_upload, submitted_filing
from tests.lifecycle.factories import active_consortium

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture
def colleague(demo_users):
    """A second officer of the lead unit's district: told of the same filing, and finished with it when either acts."""
    return User.objects.create_user(
        username="jiangning-2", password="x", role=Role.DISTRICT_OFFICER, authority=demo_users["jiangning"].authority
    )


@pytest.fixture
def submitted(demo_users, colleague):
    return submitted_filing(lead_user=demo_users["lead-a"])


def work(subject_fragment):
    """{recipient's username: done_at} of the notifications whose subject holds ``subject_fragment``."""
    rows = Notification.objects.filter(subject__contains=subject_fragment)
    return dict(rows.values_list("recipient__username", "done_at"))


def decide(user, consortium, decision, comment="理由见附件。"):
    consortium.refresh_from_db()
    review_filing(
        consortium_id=consortium.pk,
        actor=user,
        decision=decision,
        comment=comment,
        expected_status=consortium.status,
    )


def test_a_submission_asks_the_districts_officers_for_work_that_is_still_open(submitted):
    assert work("待初审") == {"jiangning": None, "jiangning-2": None}
    assert set(Notification.objects.filter(subject__contains="待初审").values_list("work_key", flat=True)) == {
        f"district_review:{submitted.pk}"
    }


@pytest.mark.parametrize("decision", ["recommend", "return", "not_recommend"])
def test_the_pre_screening_work_is_done_for_every_officer_when_one_decides(submitted, demo_users, decision):
    before = timezone.now()
    decide(demo_users["jiangning"], submitted, decision)

    done = work("待初审")
    assert set(done) == {"jiangning", "jiangning-2"}
    assert all(stamp is not None and stamp >= before for stamp in done.values())


def test_a_recommendation_asks_city_staff_for_review_work(submitted, demo_users):
    decide(demo_users["jiangning"], submitted, "recommend")
    assert work("待审核") == {"city": None}
    assert Notification.objects.get(subject__contains="待审核").work_key == f"city_review:{submitted.pk}"


@pytest.mark.parametrize("decision", ["approve", "return", "reject"])
def test_the_review_work_is_done_when_the_city_decides(submitted, demo_users, decision):
    decide(demo_users["jiangning"], submitted, "recommend")
    decide(demo_users["city"], submitted, decision)
    assert work("待审核")["city"] is not None


def test_a_resubmission_opens_new_work_and_the_finished_work_keeps_its_time(submitted, demo_users):
    decide(demo_users["jiangning"], submitted, "return")
    finished = Notification.objects.get(recipient=demo_users["jiangning"], subject__contains="待初审")

    submit_filing(consortium_id=submitted.pk, actor=demo_users["lead-a"])

    rows = Notification.objects.filter(recipient=demo_users["jiangning"], subject__contains="待初审").order_by("pk")
    assert [(row.pk, row.done_at) for row in rows] == [(finished.pk, finished.done_at), (rows[1].pk, None)]


def test_opening_a_work_notification_does_not_finish_it(client, submitted, demo_users):
    officer = demo_users["jiangning"]
    notification = Notification.objects.get(recipient=officer, subject__contains="待初审")
    client.force_login(officer)

    assert client.get(reverse("notification", args=[notification.pk])).status_code == 302

    notification.refresh_from_db()
    assert notification.read_at is not None
    assert notification.done_at is None


def test_finish_work_touches_only_the_open_notifications_of_its_key(demo_users):
    city = demo_users["city"]
    services.notify(recipients=[city], subject="待办甲", body="b", work_key="queue:1")
    services.notify(recipients=[city], subject="待办乙", body="b", work_key="queue:2")
    services.notify(recipients=[city], subject="通知丙", body="b")

    assert services.finish_work(work_key="queue:1") == 1
    assert services.finish_work(work_key="queue:1") == 0  # already done: the first time is kept

    done = {row.subject: row.done_at is not None for row in Notification.objects.all()}
    assert done == {"待办甲": True, "待办乙": False, "通知丙": False}


# --- Completion declarations ------------------------------------------------------------------------------------


@pytest.fixture
def active(demo_users):
    return active_consortium(lead=demo_users["lead-a"], end_date=date(2027, 12, 31))


def declared(consortium, user):
    return declare_completion(
        consortium_id=consortium.pk, actor=user, summary="三项攻关任务全部完成。", attachments=[pdf_upload("报告.pdf")]
    )


def test_a_completion_declaration_asks_city_staff_for_work(active, demo_users):
    declaration = declared(active, demo_users["lead-a"])
    assert work("任务完成申报待确认") == {"city": None}
    assert Notification.objects.get(subject__contains="任务完成申报待确认").work_key == f"completion:{declaration.pk}"


def test_the_completion_work_is_done_when_the_city_confirms(active, demo_users):
    declaration = declared(active, demo_users["lead-a"])
    confirm_completion(consortium_id=active.pk, declaration_id=declaration.pk, actor=demo_users["city"])
    assert work("任务完成申报待确认")["city"] is not None


def test_the_completion_work_is_done_when_the_city_declines(active, demo_users):
    declaration = declared(active, demo_users["lead-a"])
    decline_completion(
        consortium_id=active.pk, declaration_id=declaration.pk, actor=demo_users["city"], reason="验收意见缺失。"
    )
    assert work("任务完成申报待确认")["city"] is not None


def test_the_completion_work_is_done_when_a_revocation_lapses_the_declaration(active, demo_users):
    declared(active, demo_users["lead-a"])
    revoke_consortium(
        consortium_id=active.pk,
        actor=demo_users["city"],
        reason="弄虚作假。",
        evidence=[pdf_upload("调查报告.pdf")],
        valid_from=timezone.localdate(),
        valid_until=None,
    )
    assert work("任务完成申报待确认")["city"] is not None


def test_the_expiry_job_finishes_every_lapsed_declaration_in_one_statement(demo_users):
    lead = demo_users["lead-a"]
    ending = [active_consortium(lead=lead, end_date=date(2026, 5, 31)) for _ in range(3)]
    staying = active_consortium(lead=lead, end_date=date(2027, 12, 31))
    for consortium in [*ending, staying]:
        declared(consortium, lead)

    with CaptureQueriesContext(connection) as queries:
        expire_due_consortia(today=date(2026, 6, 1))

    finishing = [q["sql"] for q in queries if re.match(r'UPDATE "portal_notification" SET "done_at"', q["sql"])]
    assert len(finishing) == 1
    done = {row.link: row.done_at is not None for row in Notification.objects.filter(subject__contains="待确认")}
    assert done == {
        **{reverse("consortia:detail", args=[c.pk]): True for c in ending},
        reverse("consortia:detail", args=[staying.pk]): False,
    }


# --- The inbox --------------------------------------------------------------------------------------------------


def test_the_inbox_lists_open_work_apart_from_done_work_and_information(client, demo_users):
    city = demo_users["city"]
    services.notify(recipients=[city], subject="待办：待审核的备案", body="请审核。", work_key="queue:1")
    services.notify(recipients=[city], subject="已办：他人已审核的备案", body="请审核。", work_key="queue:2")
    services.notify(recipients=[city], subject="通知：系统维护", body="今晚维护。")
    services.finish_work(work_key="queue:2")
    client.force_login(city)

    default = client.get(reverse("inbox")).content.decode()  # open work comes first
    work_tab = client.get(reverse("inbox"), {"tab": "work"}).content.decode()
    info_tab = client.get(reverse("inbox"), {"tab": "info"}).content.decode()

    for page in (default, work_tab):
        assert 'data-testid="inbox-work"' in page
        assert "待办：待审核的备案" in page
        assert "已办：他人已审核的备案" not in page and "通知：系统维护" not in page
    assert 'data-testid="inbox-info"' in info_tab
    assert "待办：待审核的备案" not in info_tab
    assert "通知：系统维护" in info_tab
    done_at = Notification.objects.get(subject__startswith="已办").done_at
    done_badge = f"已办结 {timezone.localtime(done_at):%Y-%m-%d %H:%M}</span>已办：他人已审核的备案"
    assert done_badge in info_tab
    # Unread: the open work and the information; done work asks nothing more of the user.
    assert 'data-testid="unread-count">2<' in info_tab


def test_an_inbox_without_work_opens_on_the_information_and_says_when_there_is_no_work(client, demo_users):
    lead = demo_users["lead-a"]
    services.notify(recipients=[lead], subject="备案已退回修改", body="请补充。")
    client.force_login(lead)

    assert 'data-testid="inbox-info"' in client.get(reverse("inbox")).content.decode()
    assert "暂无待办。" in client.get(reverse("inbox"), {"tab": "work"}).content.decode()


def test_each_tab_pages_through_its_own_notifications(client, demo_users):
    city = demo_users["city"]
    Notification.objects.bulk_create(
        Notification(recipient=city, subject=f"待办分页{n:02d}", body="b", work_key=f"queue:{n}") for n in range(25)
    )
    client.force_login(city)

    second = client.get(reverse("inbox"), {"tab": "work", "page": 2}).content.decode()
    assert "第 2 / 2 页" in second
    assert len(re.findall(r"待办分页\d\d", second)) == 5
    assert 'href="?tab=work&amp;page=1"' in second
    # Switching tabs starts the other list at its first page.
    assert 'href="?tab=info"' in second
