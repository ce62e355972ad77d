import pytest

from annual_reports.jobs import create_reports
from annual_reports.models import AnnualReport

from . import factories


@pytest.fixture
def report(demo_users) -> AnnualReport:
    """lead-a's report for the year: two research tasks, the lead unit's funding plan of 100 万元 pre-filled."""
    lead = demo_users["lead-a"]
    consortium = factories.consortium(lead=lead, tasks=2)
    factories.plan(consortium, lead.organisation, factories.YEAR, "100")
    create_reports(campaign=factories.campaign())
    return AnnualReport.objects.get(consortium=consortium)
