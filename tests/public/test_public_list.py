"""The public list (issue 16, item 5): the consortia on file — active, completed, expired, and revoked only where the
bureau chooses — with six facts each, for anybody without login, and no cookie set; nothing else of a filing shows."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from consortia.models import Consortium, Document, FundingLine
from portal.models import IndustryField
from tests import factories
from tests.lifecycle.factories import active_consortium, lead_user, organisation
from tests.portal.test_csp import POLICY, directives, inline_code

LIST = reverse("public:list")
CSV = reverse("public:csv")
HEADER = ["备案编号", "联合体名称", "牵头单位", "产业领域", "建设期", "状态"]
LISTED = ["active", "completed", "expired"]
NOT_LISTED = ["draft", "district_review", "city_review", "returned", "rejected", "withdrawn"]


@pytest.fixture
def world(reference_data):
    """A complete filing in every state, each with members, a document, funding and texts of its own, and a filing
    number even where it could have none, so that only the state decides what is listed."""
    lead = lead_user(organisation(name="Acme光电科技有限公司"))
    secrets = {}
    for seed, status in enumerate([*LISTED, "revoked", *NOT_LISTED], start=1):
        member = factories.organisation(71_000 + seed, name=f"保密参与单位{status}")
        consortium = factories.complete_filing(
            lead_user=lead, name=f"南京市{status}创新联合体", seed=70_000 + 10 * seed, members=[member]
        )
        figure = Decimal(f"{seed}8765.43")
        FundingLine.objects.create(consortium=consortium, organisation=member, year=2027, government=figure)
        Document.objects.filter(consortium=consortium).update(original_name=f"保密组建协议{status}.pdf")
        Consortium.objects.filter(pk=consortium.pk).update(
            status=status,
            summary=f"保密简介{status}",
            goals=f"保密建设目标{status}",
            filing_number=f"宁创联备〔2026〕{seed:03d}号",
            start_date=date(2026, 1, seed),
            end_date=date(2028, 12, seed),
        )
        secrets[status] = [
            member.name,
            member.uscc,
            lead.organisation.uscc,
            f"保密组建协议{status}.pdf",
            f"保密简介{status}",
            f"保密建设目标{status}",
            str(figure),
            f"{seed}8765",
        ]
    return {"lead": lead, "secrets": secrets}


def listed_names(response) -> list[str]:
    return [entry.name for entry in response.context["page"].object_list]


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def assert_no_cookie(response):
    assert "Set-Cookie" not in response
    assert not response.cookies


@pytest.mark.django_db
def test_anybody_reads_the_list_of_active_completed_and_expired_consortia_without_a_cookie(world, client):
    response = client.get(LIST)
    assert response.status_code == 200
    assert_no_cookie(response)
    assert listed_names(response) == [f"南京市{status}创新联合体" for status in LISTED]  # by filing number
    text = response.content.decode()
    assert "备案在册的市级创新联合体" in text and "备案的其他内容不予公开" in text
    assert "宁创联备〔2026〕002号" in text and "2026-01-02 至 2028-12-02" in text and "任务完成" in text
    assert "第三代半导体" in text  # the industry field
    for status in ["revoked", *NOT_LISTED]:
        assert f"南京市{status}创新联合体" not in text
    assert 'name="csrfmiddlewaretoken"' not in text


@pytest.mark.django_db
def test_nothing_else_of_a_filing_is_on_the_page_or_in_the_csv(world, client, settings):
    settings.PUBLIC_LIST_SHOWS_REVOKED = True
    page = client.get(LIST).content.decode()
    download = client.get(CSV).content.decode()
    for status, values in world["secrets"].items():
        for value in values:
            assert value not in page, (status, value)
            assert value not in download, (status, value)


@pytest.mark.django_db
def test_revoked_consortia_are_listed_as_revoked_only_with_the_setting_on(world, client, settings):
    assert "南京市revoked创新联合体" not in client.get(LIST).content.decode()
    assert client.get(LIST, {"status": "revoked"}).context["page"].object_list == []

    settings.PUBLIC_LIST_SHOWS_REVOKED = True
    response = client.get(LIST)
    assert listed_names(response) == [f"南京市{status}创新联合体" for status in [*LISTED, "revoked"]]
    assert [entry.status_label for entry in response.context["page"].object_list][-1] == "已撤销备案"
    assert listed_names(client.get(LIST, {"status": "revoked"})) == ["南京市revoked创新联合体"]
    assert csv_rows(client.get(CSV))[-1][-1] == "已撤销备案"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("completed创新", ["南京市completed创新联合体"]),  # the name
        ("acme光电", [f"南京市{status}创新联合体" for status in LISTED]),  # the lead unit, in any case
        ("〔2026〕003", ["南京市expired创新联合体"]),  # the filing number
        ("保密参与单位active", []),  # never a member: that would tell who is in it
        ("91320115", []),  # nor a USCC
    ],
)
def test_search_by_name_lead_unit_or_filing_number(world, client, text, expected):
    response = client.get(LIST, {"q": text})
    assert response.status_code == 200
    assert listed_names(response) == expected
    assert_no_cookie(response)


@pytest.mark.django_db
def test_filters_by_status_and_industry_field(world, client):
    assert listed_names(client.get(LIST, {"status": "expired"})) == ["南京市expired创新联合体"]
    other = IndustryField.objects.exclude(code="third-gen-semiconductors").first()
    Consortium.objects.filter(name="南京市active创新联合体").update(field=other)
    assert listed_names(client.get(LIST, {"field": other.code})) == ["南京市active创新联合体"]
    response = client.get(LIST, {"status": "draft"})
    assert response.context["page"].object_list == []
    assert "南京市draft创新联合体" not in response.content.decode()
    assert response.context["form"].errors["status"]


@pytest.mark.django_db
def test_nothing_matching_shows_the_empty_state(world, client):
    response = client.get(LIST, {"q": "没有这样的联合体"})
    text = response.content.decode()
    assert 'data-testid="empty"' in text and "没有符合条件的联合体。" in text
    assert 'data-testid="public-list"' not in text


@pytest.mark.django_db
def test_the_second_page_and_a_constant_number_of_queries(reference_data, client, django_assert_num_queries):
    lead = lead_user(organisation())
    field = IndustryField.objects.first()  # each row prints its industry field, read with the row
    for day in range(1, 4):
        active_consortium(lead=lead, end_date=date(2028, 12, day))
    Consortium.objects.update(field=field)
    with django_assert_num_queries(4) as few:  # count, ids, rows, the fields of the filter
        client.get(LIST)
    for day in range(4, 28):
        active_consortium(lead=lead, end_date=date(2028, 12, day))
    Consortium.objects.update(field=field)
    with django_assert_num_queries(len(few.captured_queries)):
        first = client.get(LIST)
    assert len(first.context["page"].object_list) == 25
    second = client.get(LIST, {"page": 2})
    assert second.status_code == 200
    assert_no_cookie(second)
    assert len(second.context["page"].object_list) == 2
    assert "第 2 / 2 页" in second.content.decode()


@pytest.mark.django_db
def test_the_csv_has_the_six_public_facts_of_the_list_as_filtered(world, client):
    response = client.get(CSV)
    assert response.status_code == 200
    assert_no_cookie(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert csv_rows(response) == [
        HEADER,
        ["宁创联备〔2026〕001号", "南京市active创新联合体", "Acme光电科技有限公司", "第三代半导体",
         "2026-01-01 至 2028-12-01", "已备案（建设期内）"],
        ["宁创联备〔2026〕002号", "南京市completed创新联合体", "Acme光电科技有限公司", "第三代半导体",
         "2026-01-02 至 2028-12-02", "任务完成"],
        ["宁创联备〔2026〕003号", "南京市expired创新联合体", "Acme光电科技有限公司", "第三代半导体",
         "2026-01-03 至 2028-12-03", "建设期满"],
    ]  # fmt: skip
    searched = client.get(CSV, {"q": "completed"})
    assert_no_cookie(searched)
    assert [row[1] for row in csv_rows(searched)] == ["联合体名称", "南京市completed创新联合体"]


@pytest.mark.django_db
def test_the_page_carries_the_policy_and_no_inline_code(world, client):
    response = client.get(LIST)
    assert directives(response) == POLICY
    assert inline_code(response) == []
    assert directives(client.get(CSV)) == POLICY


@pytest.mark.django_db
def test_signed_in_users_see_the_same_page(world, demo_users):
    anonymous = Client().get(LIST, {"q": "创新"}).content
    for username in ("lead-a", "city", "admin"):
        client = Client()
        client.force_login(demo_users[username])
        response = client.get(LIST, {"q": "创新"})
        assert response.status_code == 200
        assert response.content == anonymous, username


@pytest.mark.django_db
def test_the_login_page_links_to_the_public_list(client):
    response = client.get(reverse("login"))
    assert f'href="{LIST}"' in response.content.decode()
