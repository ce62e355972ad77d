"""A consortium may be named with the full 200 characters of ``Consortium.name``; every notification about it must
still be stored, its subject within the 200 characters of ``Notification.subject`` and still naming the consortium.

The subjects put a prefix ("新的创新联合体备案申请待初审：", "备案审核结果：… — ", …) before the name, so a full-length
name overflows the column unless the subject is cut to fit. SQLite does not enforce ``max_length`` and would store
the long subject silently: there only the length assertions below catch it. The PostgreSQL run (``DATABASE_URL``
set) is the one that would raise ``DataError`` ("value too long for type character varying(200)") on the insert
without the fix. Nothing is skipped on SQLite: the same assertions hold on both databases.
"""

from datetime import date

import pytest

from consortia.lifecycle.jobs import expire_due_consortia
from consortia.models import Consortium
from consortia.services import submit_filing
from consortia.states import Status
from portal.models import Notification
from reviews.services import review_filing
from tests.factories import complete_filing
from tests.lifecycle.factories import active_consortium

pytestmark = pytest.mark.django_db

NAME_MAX = Consortium._meta.get_field("name").max_length
SUBJECT_MAX = Notification._meta.get_field("subject").max_length
LONG_NAME = "南京市" + "集成电路" * 48 + "创新联合体"
# What a subject must keep of the name: its beginning (the only "南京市" in it, so it cannot match a later repeat).
NAME_START = LONG_NAME[:20]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


@pytest.fixture
def long_named_filing(demo_users, media):
    """A complete draft of lead-a's carrying the full-length name from its creation, so the submitted snapshot and
    everything after it use that name."""
    consortium = complete_filing(lead_user=demo_users["lead-a"], name=LONG_NAME)
    assert Consortium.objects.get(pk=consortium.pk).name == LONG_NAME
    return consortium


def last_notification_id() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def stored_since(watermark: int) -> list[Notification]:
    """The notifications stored after ``watermark``, read back from the database."""
    return list(Notification.objects.filter(pk__gt=watermark).select_related("recipient").order_by("pk"))


def assert_well_formed(notifications: list[Notification], *, recipients: set[str]) -> None:
    """Stored for exactly ``recipients``; each subject fits its column and still begins the consortium's name, each
    body has content. Failures list (username, subject length) rather than the 200-character subjects."""
    assert len(notifications) > 0
    assert {n.recipient.username for n in notifications} == recipients
    too_long = [(n.recipient.username, len(n.subject)) for n in notifications if len(n.subject) > SUBJECT_MAX]
    assert too_long == [], f"subjects longer than {SUBJECT_MAX} characters"
    assert [n.recipient.username for n in notifications if not n.body.strip()] == [], "empty bodies"
    unnamed = [(n.recipient.username, n.subject[:40]) for n in notifications if NAME_START not in n.subject]
    assert unnamed == [], "subjects that lost the beginning of the name"


def test_the_name_is_the_longest_a_consortium_may_have():
    assert len(LONG_NAME) == NAME_MAX == 200


def test_submit_notifies_the_district(long_named_filing, demo_users):
    watermark = last_notification_id()

    submit_filing(consortium_id=long_named_filing.pk, actor=demo_users["lead-a"])

    consortium = Consortium.objects.get(pk=long_named_filing.pk)
    assert consortium.status == Status.DISTRICT_REVIEW
    assert consortium.submissions.get().document  # the snapshot was stored
    assert_well_formed(stored_since(watermark), recipients={"jiangning"})


def test_return_notifies_the_lead_unit(long_named_filing, demo_users):
    submit_filing(consortium_id=long_named_filing.pk, actor=demo_users["lead-a"])
    watermark = last_notification_id()

    review_filing(
        consortium_id=long_named_filing.pk,
        actor=demo_users["jiangning"],
        decision="return",
        comment="请补充组建协议签字页。",
        expected_status=Status.DISTRICT_REVIEW,
    )

    assert Consortium.objects.get(pk=long_named_filing.pk).status == Status.RETURNED
    notifications = stored_since(watermark)
    assert_well_formed(notifications, recipients={"lead-a"})
    assert all("请补充组建协议签字页。" in n.body for n in notifications)


def test_recommend_and_approve_notify_the_lead_unit_city_and_district(long_named_filing, demo_users):
    submit_filing(consortium_id=long_named_filing.pk, actor=demo_users["lead-a"])
    watermark = last_notification_id()

    review_filing(
        consortium_id=long_named_filing.pk,
        actor=demo_users["jiangning"],
        decision="recommend",
        comment="材料齐全，同意推荐。",
        expected_status=Status.DISTRICT_REVIEW,
    )

    assert_well_formed(stored_since(watermark), recipients={"lead-a", "city"})
    watermark = last_notification_id()

    review_filing(
        consortium_id=long_named_filing.pk,
        actor=demo_users["city"],
        decision="approve",
        comment="同意备案。",
        expected_status=Status.CITY_REVIEW,
    )

    consortium = Consortium.objects.get(pk=long_named_filing.pk)
    assert consortium.status == Status.ACTIVE
    notifications = stored_since(watermark)
    assert_well_formed(notifications, recipients={"lead-a", "jiangning"})
    assert all(consortium.filing_number in n.body for n in notifications)


def test_expiry_notifies_the_lead_unit_and_district(demo_users):
    consortium = active_consortium(lead=demo_users["lead-a"], end_date=date(2026, 5, 31), name=LONG_NAME)
    assert Consortium.objects.get(pk=consortium.pk).name == LONG_NAME
    watermark = last_notification_id()

    expire_due_consortia(today=date(2026, 6, 1))

    assert Consortium.objects.get(pk=consortium.pk).status == Status.EXPIRED
    notifications = stored_since(watermark)
    assert_well_formed(notifications, recipients={"lead-a", "jiangning"})
    assert all(n.dedup_key.startswith(f"consortium-expired:{consortium.pk}:") for n in notifications)
