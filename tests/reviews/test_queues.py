"""The officers' queues: scoping, filters, sorting, pagination, and query counts that do not grow with rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consortia.models import Consortium
from portal.models import Authority, IndustryField, Organisation
from tests.factories import make_uscc

pytestmark = pytest.mark.django_db


def make_filings(
    count, *, lead, status="district_review", name="联合体", field="integrated-circuits", kinds=("frontier",)
):
    field = IndustryField.objects.get(code=field)
    now = timezone.now()
    Consortium.objects.bulk_create(
        Consortium(
            name=f"{name}{i:03d}",
            lead_organisation=lead,
            created_by_id=lead.users.first().pk,
            status=status,
            field=field,
            technology_kinds=list(kinds),
            submitted_at=now - timedelta(days=i),
        )
        for i in range(count)
    )


def queue(user, **params):
    client = Client()
    client.force_login(user)
    return client.get(reverse("reviews:queue"), params)


def names(response):
    return [c.name for c in response.context["page"].object_list]


def test_district_queue_shows_its_own_jurisdiction_in_district_review(demo_users):
    make_filings(2, lead=demo_users["lead-a"].organisation, name="江宁")  # 江宁区
    make_filings(3, lead=demo_users["lead-b"].organisation, name="玄武")  # 玄武区
    make_filings(1, lead=demo_users["lead-a"].organisation, name="已推荐", status="city_review")
    response = queue(demo_users["jiangning"])
    assert sorted(names(response)) == ["江宁000", "江宁001"]
    assert response.context["page"].paginator.count == 2


def test_city_queue_defaults_to_city_review_and_filters_by_status(demo_users):
    make_filings(2, lead=demo_users["lead-a"].organisation, name="区审")
    make_filings(3, lead=demo_users["lead-b"].organisation, name="市审", status="city_review")
    assert sorted(names(queue(demo_users["city"]))) == ["市审000", "市审001", "市审002"]
    assert len(names(queue(demo_users["city"], status=""))) == 5
    assert len(names(queue(demo_users["city"], status="district_review"))) == 2


def test_filters_search_and_sorting(demo_users):
    a, b = demo_users["lead-a"].organisation, demo_users["lead-b"].organisation
    make_filings(2, lead=a, name="集成电路", status="city_review")
    make_filings(2, lead=b, name="生物医药", status="city_review", field="biomedicine", kinds=("choke-point",))
    city = demo_users["city"]
    # Oldest submission first: a queue is worked in the order filings arrived.
    assert names(queue(city, field=IndustryField.objects.get(code="biomedicine").pk)) == ["生物医药001", "生物医药000"]
    assert len(names(queue(city, authority=Authority.objects.get(code="320102").pk))) == 2
    assert len(names(queue(city, technology_kind="choke-point"))) == 2
    assert len(names(queue(city, q=b.uscc.lower()))) == 2
    assert len(names(queue(city, q="示范半导体"))) == 2  # lead-a's organisation name
    assert names(queue(city, o="name")) == sorted(names(queue(city, o="name")))
    assert names(queue(city, o="-name")) == sorted(names(queue(city, o="-name")), reverse=True)
    today = timezone.localdate()
    assert len(names(queue(city, submitted_from=today.isoformat()))) == 2  # one row of each made "today"


def test_empty_queue_says_so(demo_users):
    response = queue(demo_users["jiangning"])
    assert 'data-testid="empty"' in response.content.decode()


def test_lead_users_have_no_queue(demo_users):
    assert queue(demo_users["lead-a"]).status_code == 403


@pytest.mark.parametrize("username", ["jiangning", "city"])
def test_queue_query_count_does_not_grow_with_rows(demo_users, username):
    status = "district_review" if username == "jiangning" else "city_review"
    lead = demo_users["lead-a"].organisation
    make_filings(5, lead=lead, status=status)
    with CaptureQueriesContext(connection) as few:
        assert queue(demo_users[username]).status_code == 200
    others = [
        Organisation.objects.create(
            uscc=make_uscc(5000 + i), name=f"单位{i}", kind="enterprise", jurisdiction=lead.jurisdiction
        )
        for i in range(10)
    ]
    for organisation in others:
        organisation.users.create(username=f"u{organisation.pk}", role="lead_unit")
        make_filings(20, lead=organisation, status=status, name=f"其他{organisation.pk}-")
    with CaptureQueriesContext(connection) as many:
        response = queue(demo_users[username])
    assert response.context["page"].paginator.count == 205
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_status_tabs_count_consortia_not_submissions(demo_users):
    from consortia.models import Submission

    make_filings(3, lead=demo_users["lead-a"].organisation)
    for consortium in Consortium.objects.all():
        for number in (1, 2):
            Submission.objects.create(
                consortium=consortium, number=number, submitted_by=demo_users["lead-a"], document={}, eligibility={}
            )
    response = queue(demo_users["jiangning"])
    assert dict((value, count) for value, _, count in response.context["status_tabs"]) == {"district_review": 3}
    assert [c.submission_count for c in response.context["page"].object_list] == [2, 2, 2]
