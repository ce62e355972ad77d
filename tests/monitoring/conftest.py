from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from consortia.models import Consortium, DishonestyRecord, Membership, ProvincialRecognition
from consortia.states import Status
from portal.models import IndustryField
from tests.factories import complete_filing
from tests.lifecycle import factories


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Exported and uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


@pytest.fixture
def login():
    """``login(user)`` → a test client logged in as that user."""

    def as_user(user):
        client = Client()
        client.force_login(user)
        return client

    return as_user


def consortium(lead, *, start: date, end: date, field: str, kinds: list[str], members=(), **options) -> Consortium:
    """A filed consortium of ``lead`` (``tests.lifecycle.factories.active_consortium``) in ``field`` with ``kinds``."""
    built = factories.active_consortium(lead=lead, start_date=start, end_date=end, members=list(members), **options)
    Consortium.objects.filter(pk=built.pk).update(field=IndustryField.objects.get(code=field), technology_kinds=kinds)
    built.refresh_from_db()
    return built


def record(organisation, city, **fields) -> DishonestyRecord:
    return DishonestyRecord.objects.create(
        organisation=organisation, reason="虚报材料", recorded_by=city, **{"valid_from": date(2020, 1, 1), **fields}
    )


@dataclass
class Portfolio:
    """Four consortia reviewers see and a draft only administrators see, each picked out by some filter alone."""

    silicon: Consortium  # Jiangning, enterprise lead, active to 2027, recognised
    equipment: Consortium  # Xuanwu, active, ends soon, a current member with a dishonesty record in force
    medicine: Consortium  # Jiangning, university lead with a record in force, expired
    materials: Consortium  # Xuanwu, in city review: never filed
    draft: Consortium  # Jiangning, never submitted
    searched_member_uscc: str

    def names(self, *consortia) -> set[str]:
        return {c.name for c in consortia}


@pytest.fixture
def portfolio(demo_users) -> Portfolio:
    city, lead_a, lead_b = demo_users["city"], demo_users["lead-a"], demo_users["lead-b"]
    today = timezone.localdate()
    university = factories.organisation(
        kind="university", name="南京示范医科大学", jurisdiction=lead_a.organisation.jurisdiction
    )
    silicon_member = factories.organisation(kind="university", name="南京碳化硅研究院")
    former_member = factories.organisation(name="已退出的失信公司")
    silicon = consortium(
        lead_a,
        name="南京市碳化硅功率器件创新联合体",
        start=date(2025, 1, 1),
        end=date(2027, 12, 31),
        field="third-gen-semiconductors",
        kinds=["choke-point"],
        members=[silicon_member, former_member],
    )
    # The member with a record in force has left: it no longer counts.
    Membership.objects.filter(consortium=silicon, organisation=former_member).update(left_on=date(2026, 3, 1))
    record(former_member, city)
    record(lead_a.organisation, city, ended_on=date(2021, 1, 1), end_reason="整改完毕", ended_by=city)  # not in force
    ProvincialRecognition.objects.create(consortium=silicon, recognised_on=date(2026, 3, 1), recorded_by=city)

    flagged_member = factories.organisation(name="失信设备公司")
    record(flagged_member, city, valid_until=today + timedelta(days=30))
    equipment = consortium(
        lead_b,
        name="南京市智能装备创新联合体",
        start=date(2024, 1, 1),
        end=date(2026, 6, 30),
        field="intelligent-manufacturing",
        kinds=["frontier"],
        members=[flagged_member],
    )

    searched_member = factories.organisation(name="南京生物样本技术有限公司")
    medicine = consortium(
        factories.lead_user(university),
        name="南京市生物医药创新联合体",
        start=date(2021, 1, 1),
        end=date(2023, 12, 31),
        field="biomedicine",
        kinds=["first-mover", "frontier"],
        members=[searched_member],
        status=Status.EXPIRED,
    )
    record(university, city)

    materials = complete_filing(lead_user=lead_b, name="南京市先进新材料创新联合体", seed=7100)
    Consortium.objects.filter(pk=materials.pk).update(status=Status.CITY_REVIEW, submitted_at=timezone.now())
    materials.refresh_from_db()
    draft = complete_filing(lead_user=lead_a, name="南京市尚未提交的创新联合体", seed=7200)
    return Portfolio(silicon, equipment, medicine, materials, draft, searched_member_uscc=searched_member.uscc)
