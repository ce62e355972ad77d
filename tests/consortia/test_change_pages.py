"""The change pages: the lead unit records a change from its consortium's page; district and city read the history
and the supplementary agreements there; another lead unit or district finds nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consortia import changes
from consortia.models import ChangeRecord, Consortium, Membership
from consortia.states import Status
from tests.lifecycle.factories import active_consortium, make_uscc, organisation, pdf_upload

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FILED_ON = TODAY - timedelta(days=400)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture
def members():
    return [organisation(kind="university", name="南京变更测试大学"), organisation(name="变更测试材料公司")]


@pytest.fixture
def consortium(demo_users, members):
    return active_consortium(
        lead=demo_users["lead-a"], start_date=FILED_ON, end_date=FILED_ON + timedelta(days=1000), members=members
    )


def record_url(consortium, kind):
    return reverse("consortia:record_change", args=[consortium.pk, kind])


def as_user(client, user):
    client.force_login(user)
    return client


def test_the_lead_unit_records_a_joining_member_from_the_consortium_page(client, demo_users, consortium):
    client = as_user(client, demo_users["lead-a"])
    page = client.get(reverse("consortia:detail", args=[consortium.pk])).content.decode()
    assert record_url(consortium, "member_joined") in page

    effective_on = TODAY - timedelta(days=3)
    response = client.post(
        record_url(consortium, "member_joined"),
        {
            "uscc": make_uscc(778_001).lower(),
            "name": "南京页面加入公司",
            "kind": "enterprise",
            "chain_position": "downstream",
            "independent_legal_entity": "on",
            "capability": "建有中试线两条。",
            "role": "负责系统集成验证。",
            "effective_on": effective_on.isoformat(),
            "explanation": "补齐下游应用环节。",
            "agreement": pdf_upload("新增补充协议.pdf"),
        },
    )

    assert response.status_code == 302
    record = ChangeRecord.objects.select_related("membership__organisation").get(consortium=consortium)
    assert (record.kind, record.effective_on, record.membership.organisation.uscc) == (
        "member_joined",
        effective_on,
        make_uscc(778_001),
    )
    assert (record.membership.joined_on, record.membership.chain_position) == (effective_on, "downstream")


def test_a_refusal_is_shown_on_the_form_and_nothing_is_stored(client, demo_users, consortium):
    client = as_user(client, demo_users["lead-a"])
    response = client.post(
        record_url(consortium, "member_joined"),
        {
            "uscc": demo_users["lead-a"].organisation.uscc,
            "name": "牵头单位",
            "kind": "enterprise",
            "chain_position": "n/a",
            "independent_legal_entity": "on",
            "capability": "x",
            "role": "x",
            "effective_on": TODAY.isoformat(),
            "explanation": "改由本单位作为参与单位。",
            "agreement": pdf_upload(),
        },
    )

    assert response.status_code == 200
    assert "牵头单位不得变更（指引五（三））。" in response.content.decode()
    assert not ChangeRecord.objects.exists()
    assert Membership.objects.filter(consortium=consortium).count() == 2


def test_a_leaving_member_without_an_agreement_is_refused(client, demo_users, consortium, members):
    client = as_user(client, demo_users["lead-a"])
    leaving = Membership.objects.get(consortium=consortium, organisation=members[1])
    data = {"membership": leaving.pk, "effective_on": TODAY.isoformat(), "explanation": "退出。"}

    response = client.post(record_url(consortium, "member_left"), data)

    assert response.status_code == 200
    assert 'name="agreement"' in response.content.decode()
    assert not ChangeRecord.objects.exists()
    assert Membership.objects.get(pk=leaving.pk).left_on is None


def test_district_and_city_read_the_history_and_the_agreement(client, demo_users, consortium, members):
    leaving = Membership.objects.get(consortium=consortium, organisation=members[1])
    left_on = TODAY - timedelta(days=60)
    record = changes.record_member_left(
        consortium_id=consortium.pk,
        actor=demo_users["lead-a"],
        membership_id=leaving.pk,
        effective_on=left_on,
        explanation="该单位转型，经协商退出。",
        agreement=pdf_upload("退出补充协议.pdf"),
    )
    agreement_url = reverse("consortia:change_agreement", args=[consortium.pk, record.pk])

    for username in ("jiangning", "city", "lead-a"):
        client = as_user(client, demo_users[username])
        page = client.get(reverse("consortia:detail", args=[consortium.pk])).content.decode()
        assert "该单位转型，经协商退出。" in page, username
        assert f"{left_on:%Y-%m-%d} 退出" in page, username
        assert agreement_url in page, username
        # Only the lead unit is offered to record a change.
        assert (record_url(consortium, "member_left") in page) == (username == "lead-a"), username
        download = client.get(agreement_url)
        assert download.status_code == 200, username
        assert download["Content-Type"] == "application/pdf"
        assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_other_lead_units_and_districts_get_404(client, demo_users, consortium):
    record = changes.record_change(
        consortium_id=consortium.pk,
        actor=demo_users["lead-a"],
        kind="organisation",
        effective_on=TODAY,
        explanation="增设专家咨询委员会。",
        agreement=pdf_upload(),
    )
    urls = [
        reverse("consortia:detail", args=[consortium.pk]),
        reverse("consortia:change_agreement", args=[consortium.pk, record.pk]),
    ]
    for username in ("lead-b", "xuanwu"):
        client = as_user(client, demo_users[username])
        assert [client.get(url).status_code for url in urls] == [404, 404], username
    client = as_user(client, demo_users["lead-b"])
    assert client.get(record_url(consortium, "organisation")).status_code == 404
    assert client.post(record_url(consortium, "organisation"), {"explanation": "篡改"}).status_code == 404
    assert ChangeRecord.objects.count() == 1


def test_an_unknown_kind_is_no_page(client, demo_users, consortium):
    """There is no page to change the lead unit (五（三））: the kinds are the five of ChangeRecord.Kind."""
    client = as_user(client, demo_users["lead-a"])
    assert client.get(record_url(consortium, "lead")).status_code == 404
    for kind in ChangeRecord.Kind.values:
        assert client.get(record_url(consortium, kind)).status_code == 200, kind


def test_the_page_says_why_a_change_cannot_be_recorded(client, demo_users, consortium):
    Consortium.objects.filter(pk=consortium.pk).update(status=Status.EXPIRED)
    client = as_user(client, demo_users["lead-a"])
    url = record_url(consortium, "strategic_plan")
    data = {"effective_on": TODAY.isoformat(), "explanation": "调整。", "agreement": pdf_upload()}

    assert "备案处于“建设期满”状态，不能记录变更。" in client.get(url).content.decode()
    assert client.post(url, data).status_code == 200
    assert not ChangeRecord.objects.exists()
    page = client.get(reverse("consortia:detail", args=[consortium.pk])).content.decode()
    assert url not in page
