"""The home page's annual-report cards: the lead unit counts its reports to fill in or revise, city staff the reports
waiting for their review; the other roles get no report card."""

import pytest

from annual_reports.models import ReportStatus
from annual_reports.services import return_report, submit_report
from portal.selectors import home_panels

from . import factories

LEAD_CARD = "待填报或修改的年度报告"
CITY_CARD = "待审核的年度报告"


def counts(user) -> dict[str, int]:
    return {panel.title: panel.count for panel in home_panels(user)}


@pytest.mark.django_db
def test_the_lead_unit_counts_reports_to_fill_and_returned_ones_the_city_those_submitted(report, demo_users):
    lead, city = demo_users["lead-a"], demo_users["city"]
    assert counts(lead)[LEAD_CARD] == 1
    assert counts(city)[CITY_CARD] == 0
    assert counts(demo_users["lead-b"])[LEAD_CARD] == 0  # another unit's report is not its work

    factories.fill_in(report)
    submit_report(report_id=report.pk, actor=lead)
    assert counts(lead)[LEAD_CARD] == 0
    assert counts(city)[CITY_CARD] == 1

    return_report(report_id=report.pk, actor=city, reason="请补充经费明细。", expected_status=ReportStatus.SUBMITTED)
    assert counts(lead)[LEAD_CARD] == 1
    assert counts(city)[CITY_CARD] == 0


@pytest.mark.django_db
def test_district_officers_and_admins_get_no_report_card(report, demo_users):
    for username in ("jiangning", "admin"):
        titles = counts(demo_users[username])
        assert LEAD_CARD not in titles and CITY_CARD not in titles
