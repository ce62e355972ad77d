"""The files of the portfolio list at their edges (issue 14 item 3): the workbook's wide columns, an export written at
once however many chunks it takes, a revised filing's members followed by a filed consortium's, a member kind the
portal no longer knows, the reports year by year whatever order they were created in, and the count that decides
between at once and a job equal to the rows written."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from annual_reports.jobs import create_reports
from consortia.models import Consortium, Submission
from consortia.states import Status
from monitoring import exports
from monitoring.models import Sheet
from monitoring.selectors import portfolio as portfolio_of
from tests.annual_reports.factories import campaign
from tests.factories import submitted_filing
from tests.lifecycle import factories

pytestmark = pytest.mark.django_db

URL = reverse("monitoring:portfolio")


def download(client, params) -> bytes:
    response = client.get(URL, params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def csv_rows(client, params) -> list[list[str]]:
    return list(csv.reader(io.StringIO(download(client, {**params, "export": "csv"}).decode("utf-8-sig"))))[1:]


@pytest.mark.parametrize("sheet", ["consortia", "members", "reports"])
def test_the_workbooks_number_and_name_columns_are_wide(portfolio, demo_users, login, sheet):
    content = download(login(demo_users["city"]), {"export": "xlsx", "sheet": sheet})
    worksheet = load_workbook(io.BytesIO(content)).active
    widths = {letter: worksheet.column_dimensions[letter].width for letter in "ABC"}
    assert (widths["A"], widths["B"]) == (exports.WIDE, exports.NAME_WIDTH) == (20, 36)
    assert widths["C"] != 36  # the others keep the default
    assert worksheet.freeze_panes == "A2"


def test_an_export_written_at_once_takes_as_many_chunks_as_it_needs(portfolio, demo_users, login, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 2)  # the four listed consortia: two chunks, and nobody to tell of progress
    client = login(demo_users["city"])
    names = [row[1] for row in csv_rows(client, {"ordering": "name"})]
    assert names == sorted(
        [portfolio.silicon.name, portfolio.equipment.name, portfolio.medicine.name, portfolio.materials.name]
    )
    _header, *rows = load_workbook(io.BytesIO(download(client, {"export": "xlsx", "ordering": "name"}))).active.values
    assert [row[1] for row in rows] == names


def test_a_revised_filings_members_are_followed_by_the_next_consortiums(demo_users, login):
    lead = demo_users["lead-a"]
    revised = submitted_filing(lead_user=lead, name="南京市甲修改中的联合体", seed=7800)
    Consortium.objects.filter(pk=revised.pk).update(status=Status.RETURNED)
    member = factories.organisation(name="已备案联合体的成员")
    filed = factories.active_consortium(
        lead=lead, end_date=date(2028, 1, 1), name="南京市乙已备案的联合体", members=[member]
    )

    # By name, descending: 甲 (U+7532) before 乙 (U+4E59).
    rows = csv_rows(login(demo_users["city"]), {"sheet": "members", "ordering": "-name"})
    submitted = Submission.objects.get(consortium=revised).document["members"]
    assert [row[1] for row in rows] == [revised.name] * len(submitted) + [filed.name]
    assert rows[-1][2:4] == ["已备案联合体的成员", member.uscc]


def test_a_submitted_member_of_a_kind_no_longer_known_is_exported_with_its_code(demo_users, login):
    lead = demo_users["lead-a"]
    revised = submitted_filing(lead_user=lead, name="南京市旧格式的联合体", seed=7850)
    first = Submission.objects.get(consortium=revised)
    members = [{**first.document["members"][0], "kind": "social-organisation"}]
    Submission.objects.create(
        consortium=revised, number=2, submitted_by=lead, document={**first.document, "members": members}, eligibility={}
    )
    Consortium.objects.filter(pk=revised.pk).update(status=Status.RETURNED)
    (row,) = csv_rows(login(demo_users["city"]), {"sheet": "members"})
    assert row[1:5] == [revised.name, members[0]["name"], members[0]["uscc"], "social-organisation"]


def test_the_reports_sheet_lists_each_consortiums_reports_year_by_year(demo_users, login):
    consortium = factories.active_consortium(
        lead=demo_users["lead-a"], start_date=date(2024, 1, 1), end_date=date(2027, 12, 31)
    )
    for year in (2026, 2025):  # the later year's report created first
        create_reports(campaign=campaign(year=year))
    rows = csv_rows(login(demo_users["city"]), {"sheet": "reports"})
    assert [(row[0], row[1]) for row in rows] == [("2025", consortium.name), ("2026", consortium.name)]


@pytest.mark.parametrize("sheet", ["consortia", "members", "reports"])
def test_the_rows_counted_before_an_export_are_the_rows_it_writes(portfolio, demo_users, login, sheet):
    """``count_rows`` decides between a file at once and a job: it counts, in the database, what the sheet writes —
    the members of a filing being revised as submitted, the others' membership history."""
    revised = submitted_filing(lead_user=demo_users["lead-a"], name="南京市修改中的联合体", seed=7900)
    Consortium.objects.filter(pk=revised.pk).update(status=Status.RETURNED)
    create_reports(campaign=campaign())
    city = demo_users["city"]
    written = len(csv_rows(login(city), {"sheet": sheet}))
    assert written > 1
    assert exports.count_rows(sheet, portfolio_of(city)) == written
    assert exports.count_rows(Sheet(sheet), portfolio_of(city).filter(pk=revised.pk)) == len(
        csv_rows(login(city), {"sheet": sheet, "q": "南京市修改中的联合体"})
    )
