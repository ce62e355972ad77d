"""What a notice prints and what a reissue keeps, records and tells (issue 17; mutation testing, issue 18): the facts of
the notice come from the consortium as it is, the version a reissue replaces is kept whole, and only the lead unit is
told, in words that name the version and the reason."""

import hashlib
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consortia.models import Consortium, Membership
from portal.exceptions import DomainError
from portal.models import AuditEvent, Notification
from reviews.models import FilingNotice, SupersededNotice
from reviews.notice import render_filing_notice
from reviews.services import notice_data, reissue_notice, reissue_refusal
from tests.lifecycle.factories import active_consortium, lead_user, organisation
from tests.reviews.test_notice_versions import BASE_URL, approve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.PORTAL_BASE_URL = BASE_URL + "/"


@pytest.fixture
def approved(submitted, demo_users):
    approve(demo_users, submitted)
    return submitted


def test_the_notice_names_the_members_still_in_the_consortium_in_the_order_they_joined(reference_data):
    lead = lead_user(organisation(name="南京领衔单位有限公司"))
    joined_first, left, joined_last = (organisation(name=name) for name in ("乙成员公司", "丙成员公司", "甲成员公司"))
    consortium = active_consortium(lead=lead, end_date=date(2028, 6, 30), members=[joined_first, left, joined_last])
    Membership.objects.filter(consortium=consortium, organisation=left).update(left_on=date(2026, 3, 1))

    data = notice_data(consortium)
    assert data.member_names == ["乙成员公司", "甲成员公司"]
    assert (data.lead_unit_name, data.consortium_name) == ("南京领衔单位有限公司", consortium.name)
    assert (data.filing_number, data.start_date, data.end_date) == (
        consortium.filing_number,
        consortium.start_date,
        consortium.end_date,
    )
    assert data.filed_on == consortium.filed_on
    # No field chosen prints nothing; no notice on file gives neither a code nor an address to check it at.
    assert data.industry_field_name == ""
    assert (data.verification_code, data.verification_url) == ("", "")


def test_a_rerender_prints_the_code_of_the_notice_in_force_and_its_address(approved):
    notice = approved.notice
    data = notice_data(approved)
    assert data.verification_code == notice.verification_code
    assert data.verification_url == f"{BASE_URL}/verify/{notice.verification_code}/"
    assert data.industry_field_name == approved.field.name_zh


def test_a_notice_issued_before_codes_were_printed_is_rerendered_without_one(approved):
    FilingNotice.objects.filter(consortium=approved).update(code_printed=False)
    data = notice_data(approved)
    assert (data.verification_code, data.verification_url) == ("", "")


def test_a_code_given_is_printed_whatever_is_on_file(approved):
    data = notice_data(approved, verification_code="GivenCode1234567")
    assert (data.verification_code, data.verification_url) == (
        "GivenCode1234567",
        f"{BASE_URL}/verify/GivenCode1234567/",
    )


def test_the_superseded_version_keeps_every_fact_of_the_version_it_was(approved, demo_users):
    first = FilingNotice.objects.get(consortium=approved)
    first_facts = (first.version, first.size, first.issued_at, first.reason, first.code_printed)
    second = reissue_notice(consortium_id=approved.pk, actor=demo_users["city"], reason="更正联合体名称。")
    second.refresh_from_db()
    # The legacy flag of an unprinted code is kept on the version it describes, and the new version prints its code.
    FilingNotice.objects.filter(pk=second.pk).update(code_printed=False)
    second_facts = (second.version, second.size, second.issued_at, "更正联合体名称。", False)
    third = reissue_notice(consortium_id=approved.pk, actor=demo_users["city"], reason="记录省级认定。")

    kept = {row.version: row for row in SupersededNotice.objects.filter(consortium=approved)}
    assert (kept[1].version, kept[1].size, kept[1].issued_at, kept[1].reason, kept[1].code_printed) == first_facts
    assert (kept[2].version, kept[2].size, kept[2].issued_at, kept[2].reason, kept[2].code_printed) == second_facts
    assert first_facts[:2] == (1, first.file.size) and first_facts[3:] == ("", True)

    third.refresh_from_db()
    assert (third.version, third.reason, third.code_printed) == (3, "记录省级认定。", True)
    assert third.size == len(third.file.read())
    assert third.issued_at > second.issued_at


def test_the_reason_is_kept_without_the_spaces_around_it(approved, demo_users):
    notice = reissue_notice(consortium_id=approved.pk, actor=demo_users["city"], reason="  更正联合体名称。\n")
    assert FilingNotice.objects.get(pk=notice.pk).reason == "更正联合体名称。"
    event = AuditEvent.objects.get(changes__action="reissue_notice")
    assert event.changes == {"action": "reissue_notice", "version": 2, "reason": "更正联合体名称。"}
    assert (event.actor, event.event_type, event.object_id) == (
        demo_users["city"],
        AuditEvent.Type.RECORD_CHANGED,
        str(approved.pk),
    )


def test_only_the_lead_unit_is_told_of_a_reissue_with_its_version_and_reason(approved, demo_users):
    since = timezone.now() - timedelta(seconds=1)
    before = Notification.objects.values_list("id", flat=True).order_by("-id").first()
    reissue_notice(consortium_id=approved.pk, actor=demo_users["city"], reason="更正联合体名称。")

    told = list(Notification.objects.filter(id__gt=before))
    assert [message.recipient.username for message in told] == ["lead-a"]
    (message,) = told
    assert message.subject == f"备案通知书已重新出具：{approved.name}"
    assert message.body == (
        f"市科技局重新出具了“{approved.name}”的备案通知书（第 2 版），原版本已被替代。原因：更正联合体名称。"
    )
    assert message.link == reverse("consortia:detail", args=[approved.pk])
    assert message.created_at >= since


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("lead-a", "只有市科技局可以重新出具备案通知书。"),
        ("jiangning", "只有市科技局可以重新出具备案通知书。"),
        ("admin", "只有市科技局可以重新出具备案通知书。"),
        ("city", None),
    ],
)
def test_only_city_staff_may_reissue(approved, demo_users, username, message):
    assert reissue_refusal(demo_users[username], approved) == message


def test_a_consortium_without_a_notice_issued_here_gets_no_reissue(demo_users, reference_data):
    paper = active_consortium(lead=demo_users["lead-a"], end_date=date(2028, 6, 30))
    assert reissue_refusal(demo_users["city"], paper) == "该联合体没有平台出具的备案通知书。"
    with pytest.raises(DomainError) as refused:
        reissue_notice(consortium_id=paper.pk, actor=demo_users["city"], reason="更正。")
    assert refused.value.message == "该联合体没有平台出具的备案通知书。"
    assert not FilingNotice.objects.filter(consortium=paper).exists()


def test_a_reissue_without_a_reason_names_the_field_to_fill(approved, demo_users):
    with pytest.raises(DomainError) as refused:
        reissue_notice(consortium_id=approved.pk, actor=demo_users["city"], reason=" \n")
    assert (refused.value.message, refused.value.field) == ("请填写重新出具的原因。", "reason")
    assert FilingNotice.objects.get(consortium=approved).version == 1


def test_a_rerender_prints_the_code_of_its_own_consortiums_notice(approved, demo_users):
    """Another consortium's notice, issued earlier, is not the one in force here."""
    other = active_consortium(lead=demo_users["lead-b"], end_date=date(2028, 6, 30))
    own = FilingNotice.objects.create(consortium=other, file="notices/other.pdf", sha256="0" * 64, size=1)
    assert notice_data(other).verification_code == own.verification_code != approved.notice.verification_code


def test_the_notice_reads_its_members_in_the_same_queries_however_many_there_are(demo_users, reference_data):
    few = active_consortium(lead=demo_users["lead-a"], end_date=date(2028, 6, 30), members=[organisation()])
    many = active_consortium(
        lead=demo_users["lead-b"], end_date=date(2028, 6, 30), members=[organisation() for _ in range(4)]
    )
    queries = []
    for consortium in (few, many):
        fresh = Consortium.objects.get(pk=consortium.pk)
        with CaptureQueriesContext(connection) as captured:
            data = notice_data(fresh, verification_code="GivenCode1234567")
        queries.append(len(captured))
        assert len(data.member_names) == consortium.memberships.count()
    assert queries[0] == queries[1]


def test_a_revoked_consortiums_notice_is_not_reissued(approved, demo_users):
    Consortium.objects.filter(pk=approved.pk).update(status="revoked")
    approved.refresh_from_db()
    assert reissue_refusal(demo_users["city"], approved) == "已撤销备案的联合体不再出具备案通知书。"
    with pytest.raises(DomainError) as refused:
        reissue_notice(consortium_id=approved.pk, actor=demo_users["city"], reason="更正联合体名称。")
    assert refused.value.message == "已撤销备案的联合体不再出具备案通知书。"
    assert FilingNotice.objects.get(consortium=approved).version == 1
    assert not SupersededNotice.objects.filter(consortium=approved).exists()


def test_a_reissue_that_fails_after_writing_its_pdf_leaves_the_notice_and_the_files_as_they_were(
    approved, demo_users, media, monkeypatch
):
    """The outbox refusing the lead unit's message (any failure after the new PDF is written) rolls the reissue back
    and removes the new file; the failure itself is what the caller sees."""
    before = FilingNotice.objects.get(consortium=approved)
    files = sorted(str(path) for path in media.rglob("*.pdf"))

    def outbox_unavailable(**message):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr("reviews.services.notify", outbox_unavailable)
    with pytest.raises(RuntimeError) as failed:
        reissue_notice(consortium_id=approved.pk, actor=demo_users["city"], reason="更正联合体名称。")
    assert str(failed.value) == "outbox unavailable"

    after = FilingNotice.objects.get(consortium=approved)
    assert (after.version, after.sha256, after.file.name) == (before.version, before.sha256, before.file.name)
    assert not SupersededNotice.objects.filter(consortium=approved).exists()
    assert sorted(str(path) for path in media.rglob("*.pdf")) == files


def test_a_reissue_keeps_the_replaced_file_and_hash_and_prints_the_new_code(approved, demo_users):
    """The replaced version keeps its own file, hash and code and names the new code; the new PDF prints the new
    code, so re-rendering from the facts and the code in force gives its very bytes."""
    first = FilingNotice.objects.get(consortium=approved)
    replaced = (first.file.name, first.sha256, first.verification_code)
    new = reissue_notice(consortium_id=approved.pk, actor=demo_users["city"], reason="更正联合体名称。")
    new.refresh_from_db()

    kept = SupersededNotice.objects.get(consortium=approved)
    assert (kept.file.name, kept.sha256, kept.verification_code, kept.superseded_by_code) == (
        *replaced,
        new.verification_code,
    )
    assert new.verification_code != first.verification_code
    with new.file.open("rb") as stored:
        issued = stored.read()
    assert (new.sha256, new.size) == (hashlib.sha256(issued).hexdigest(), len(issued))
    assert render_filing_notice(notice_data(approved)) == issued
