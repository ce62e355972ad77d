"""Revocation puts units on the dishonesty record, and the INTEGRITY rule (guideline §5.3, 五（三）) then keeps them
out of new filings while the record is in force."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consortia.eligibility import DatabaseDishonestySource, context_from_database
from consortia.lifecycle.services import end_dishonesty_record, revoke_consortium
from consortia.models import DishonestyRecord
from consortia.services import submit_filing
from consortia.snapshots import evaluate_filing, load_filing
from consortia.states import Status
from portal.exceptions import DomainError

from .factories import active_consortium, complete_filing, organisation, pdf_upload

pytestmark = pytest.mark.django_db


def integrity(consortium):
    return next(r for r in evaluate_filing(load_filing(consortium.pk)).results if r.code == "INTEGRITY")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def revoked(demo_users, today):
    """Lead unit A's consortium revoked for fraud, with one of its two members named."""
    fraudulent, innocent = organisation(name="南京造假材料有限公司"), organisation(name="南京守信材料有限公司")
    consortium = active_consortium(
        lead=demo_users["lead-a"], end_date=today + timedelta(days=400), members=[fraudulent, innocent]
    )
    revocation = revoke_consortium(
        consortium_id=consortium.pk,
        actor=demo_users["city"],
        reason="年度报告虚报研发投入。",
        evidence=[pdf_upload()],
        member_organisation_ids=[fraudulent.pk],
        valid_from=today,
        valid_until=today + timedelta(days=3 * 365),
    )
    return revocation, fraudulent, innocent


def test_a_revoked_lead_unit_fails_integrity_on_a_new_filing_citing_five_three(demo_users, revoked):
    lead = demo_users["lead-a"]
    filing = complete_filing(lead=lead)

    result = integrity(filing)
    assert result.outcome == "fail" and result.blocks
    assert result.clause_label == "五（三）"
    assert lead.organisation.uscc in result.message and "失信信息记录" in result.message

    with pytest.raises(DomainError) as refused:
        submit_filing(consortium_id=filing.pk, actor=lead)
    assert "五（三）" in refused.value.message
    filing.refresh_from_db()
    assert filing.status == Status.DRAFT


def test_a_member_named_in_the_revocation_cannot_join_a_new_filing_but_the_others_can(demo_users, revoked):
    _revocation, fraudulent, innocent = revoked
    with_fraudulent = complete_filing(lead=demo_users["lead-b"], members=[fraudulent, organisation(kind="university")])
    with_innocent = complete_filing(lead=demo_users["lead-b"], members=[innocent, organisation(kind="university")])

    assert integrity(with_fraudulent).outcome == "fail"
    assert fraudulent.uscc in integrity(with_fraudulent).message
    assert integrity(with_innocent).outcome == "pass"


def test_after_the_record_is_ended_early_the_unit_passes(demo_users, revoked, today):
    lead = demo_users["lead-a"]
    filing = complete_filing(lead=lead)
    record = DishonestyRecord.objects.get(organisation=lead.organisation)
    assert integrity(filing).outcome == "fail"

    end_dishonesty_record(record_id=record.pk, actor=demo_users["city"], reason="经复核，原处理决定撤销。")

    assert integrity(filing).outcome == "pass"
    submission = submit_filing(consortium_id=filing.pk, actor=lead)
    assert submission.eligibility["eligible"] is True
    record.refresh_from_db()
    assert (record.ended_on, record.end_reason, record.ended_by) == (
        today,
        "经复核，原处理决定撤销。",
        demo_users["city"],
    )


def test_after_the_record_runs_out_the_unit_passes(demo_users, revoked, today):
    lead = demo_users["lead-a"]
    filing = complete_filing(lead=lead)
    record = DishonestyRecord.objects.get(organisation=lead.organisation)
    source = DatabaseDishonestySource()

    assert source.active_records([lead.organisation.uscc], on=record.valid_until)
    assert not source.active_records([lead.organisation.uscc], on=record.valid_until + timedelta(days=1))

    def on(day):
        context = context_from_database(today=day)
        return next(
            r for r in evaluate_filing(load_filing(filing.pk), context=context).results if r.code == "INTEGRITY"
        )

    assert on(record.valid_until).outcome == "fail"
    assert on(record.valid_until + timedelta(days=1)).outcome == "pass"


def test_the_eligibility_engine_reads_the_database_by_default(reference_data):
    assert isinstance(context_from_database().dishonesty, DatabaseDishonestySource)


def test_the_applicant_is_told_to_ask_the_city_and_reviewers_read_the_reason_and_term(demo_users, today, client):
    lead = demo_users["lead-a"]
    in_review = complete_filing(lead=lead)
    submit_filing(consortium_id=in_review.pk, actor=lead)
    consortium = active_consortium(lead=lead, end_date=today + timedelta(days=100))
    revoke_consortium(
        consortium_id=consortium.pk,
        actor=demo_users["city"],
        reason="伪造组建协议签字。",
        evidence=[pdf_upload()],
        valid_from=today,
        valid_until=None,
    )
    draft = complete_filing(lead=lead)

    client.force_login(lead)
    page = client.get(reverse("consortia:eligibility", args=[draft.pk])).content.decode()
    assert "列入失信信息记录" in page and "详情请联系市科技局" in page
    assert "伪造组建协议签字" not in page and "长期" not in page

    client.force_login(demo_users["jiangning"])
    review = client.get(reverse("reviews:review", args=[in_review.pk])).content.decode()
    assert "失信信息记录（当前有效）" in review
    assert "伪造组建协议签字" in review and "长期" in review


def test_one_query_answers_a_whole_batch(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    source = DatabaseDishonestySource()
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as queries:
        for seed in range(50):
            assert source.active_records([f"91320115MA{seed:08d}"], on=today) == []
    assert len(queries) == 1
