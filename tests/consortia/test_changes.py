"""Change records of an active consortium (guideline §5.3): members join and leave, the plan, structure or mechanism
is adjusted, each with its supplementary agreement; the lead unit never changes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consortia import changes
from consortia.models import ChangeDocument, ChangeRecord, DishonestyRecord, Membership, ResearchTask
from consortia.selectors import changes_in_period, consortium_changes, membership_history
from consortia.states import Status
from portal.exceptions import DomainError
from portal.models import AuditEvent, Notification
from tests.lifecycle.factories import active_consortium, make_uscc, not_a_pdf, organisation, pdf_upload

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FILED_ON = TODAY - timedelta(days=800)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


def stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


@pytest.fixture
def lead(demo_users):
    return demo_users["lead-a"]  # 江宁区


@pytest.fixture
def members():
    return [organisation(kind="university"), organisation()]


@pytest.fixture
def consortium(lead, members):
    return active_consortium(
        lead=lead, start_date=FILED_ON, end_date=FILED_ON + timedelta(days=3 * 365 - 1), members=members
    )


def change(consortium, actor, **overrides):
    arguments = {
        "consortium_id": consortium.pk,
        "actor": actor,
        "kind": ChangeRecord.Kind.STRATEGIC_PLAN,
        "effective_on": TODAY - timedelta(days=5),
        "explanation": "根据产业发展调整三年战略规划。",
        "agreement": pdf_upload("补充协议.pdf"),
    }
    return changes.record_change(**(arguments | overrides))


def leave(consortium, actor, membership, **overrides):
    arguments = {
        "consortium_id": consortium.pk,
        "actor": actor,
        "membership_id": membership.pk,
        "effective_on": TODAY - timedelta(days=30),
        "explanation": "该单位因战略调整退出联合体。",
        "agreement": pdf_upload("退出补充协议.pdf"),
    }
    return changes.record_member_left(**(arguments | overrides))


def join(consortium, actor, **overrides):
    arguments = {
        "consortium_id": consortium.pk,
        "actor": actor,
        "uscc": make_uscc(777_001),
        "name": "南京新加入科技有限公司",
        "kind": "enterprise",
        "capability": "研发人员 60 人，建有省级工程技术研究中心。",
        "role": "负责器件封装工艺验证。",
        "independent_legal_entity": True,
        "effective_on": TODAY - timedelta(days=10),
        "explanation": "为补强封装环节，经理事会审议新增参与单位。",
        "agreement": pdf_upload("新增补充协议.pdf"),
    }
    return changes.record_member_joined(**(arguments | overrides))


def nothing_stored(consortium, media, memberships_before):
    return (
        ChangeRecord.objects.count(),
        ChangeDocument.objects.count(),
        stored_files(media),
        list(Membership.objects.filter(consortium=consortium).order_by("pk").values_list("pk", "left_on")),
    ) == (0, 0, [], memberships_before)


def memberships(consortium):
    return list(Membership.objects.filter(consortium=consortium).order_by("pk").values_list("pk", "left_on"))


# --- A member leaves --------------------------------------------------------------------------------------------


def test_a_member_that_left_mid_year_keeps_its_row_and_is_in_the_history_and_the_period(consortium, lead, members):
    leaving = Membership.objects.get(consortium=consortium, organisation=members[1])
    left_on = TODAY - timedelta(days=30)
    earlier = change(consortium, lead, effective_on=FILED_ON + timedelta(days=20))

    record = leave(consortium, lead, leaving, effective_on=left_on)

    leaving.refresh_from_db()
    assert leaving.left_on == left_on
    assert Membership.objects.filter(consortium=consortium).count() == 2  # history: no row deleted
    stored = ChangeRecord.objects.get(pk=record.pk)
    assert (stored.kind, stored.membership_id, stored.effective_on, stored.recorded_by) == (
        "member_left",
        leaving.pk,
        left_on,
        lead,
    )
    assert stored.agreement.original_name == "退出补充协议.pdf"
    assert [c.pk for c in consortium_changes(consortium)] == [record.pk, earlier.pk]  # newest first
    year = changes_in_period(consortium, left_on.replace(month=1, day=1), left_on.replace(month=12, day=31))
    assert [(c.pk, c.membership.organisation, c.membership.left_on) for c in year] == [(record.pk, members[1], left_on)]
    history = {m.organisation: (m.joined_on, m.left_on) for m in membership_history(consortium)}
    assert history == {members[0]: (None, None), members[1]: (None, left_on)}


def test_a_member_responsible_for_a_task_may_leave_and_the_record_names_the_task(consortium, lead, members):
    task = ResearchTask.objects.create(
        consortium=consortium, title="封装可靠性攻关", kind="choke-point", objectives="x"
    )
    task.responsible_units.set([members[1]])
    leaving = Membership.objects.get(consortium=consortium, organisation=members[1])

    record = leave(consortium, lead, leaving)

    assert ChangeRecord.objects.get(pk=record.pk).open_tasks == ["封装可靠性攻关"]
    assert Membership.objects.get(pk=leaving.pk).left_on is not None
    body = Notification.objects.get(recipient__username="jiangning").body
    assert "封装可靠性攻关" in body


def test_a_member_that_already_left_cannot_leave_again(consortium, lead, members, media):
    leaving = Membership.objects.get(consortium=consortium, organisation=members[1])
    leave(consortium, lead, leaving)
    before = (memberships(consortium), ChangeRecord.objects.count(), stored_files(media))

    with pytest.raises(DomainError, match="已不在本联合体中"):
        leave(consortium, lead, leaving, effective_on=TODAY)

    assert (memberships(consortium), ChangeRecord.objects.count(), stored_files(media)) == before


# --- The supplementary agreement ------------------------------------------------------------------------------------


@pytest.mark.parametrize("agreement", [None, "not a pdf"])
def test_a_change_without_a_supplementary_agreement_is_refused_and_nothing_stored(
    consortium, lead, members, media, agreement
):
    leaving = Membership.objects.get(consortium=consortium, organisation=members[1])
    before = memberships(consortium)
    upload = not_a_pdf() if agreement else None

    with pytest.raises(DomainError, match="补充协议" if upload is None else "PDF") as refused:
        leave(consortium, lead, leaving, agreement=upload)
    with pytest.raises(DomainError, match="补充协议" if upload is None else "PDF"):
        join(consortium, lead, agreement=not_a_pdf() if agreement else None)

    assert refused.value.field == "agreement"
    assert nothing_stored(consortium, media, before)
    assert not Notification.objects.exists()


def test_a_failure_after_the_agreement_was_written_leaves_no_file(consortium, lead, members, media, monkeypatch):
    def refuse(**kwargs):
        raise DomainError("审计失败")

    monkeypatch.setattr(changes, "record_audit", refuse)
    before = memberships(consortium)

    with pytest.raises(DomainError, match="审计失败"):
        join(consortium, lead)

    assert nothing_stored(consortium, media, before)


# --- The lead unit never changes (五（三）) ----------------------------------------------------------------------


def test_no_change_of_the_lead_unit(consortium, lead, media):
    lead_uscc = lead.organisation.uscc
    # The lead's own membership can only come from outside the services (the editor refuses it): it cannot leave.
    own = Membership.objects.create(
        consortium=consortium, organisation=lead.organisation, independent_legal_entity=True
    )
    before = memberships(consortium)

    attempts = [
        lambda: change(consortium, lead, kind="lead"),
        lambda: join(consortium, lead, uscc=lead_uscc.lower(), name="牵头单位"),
        lambda: leave(consortium, lead, own),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError, match="牵头单位不得变更（指引五（三））"):
            attempt()

    assert nothing_stored(consortium, media, before)
    consortium.refresh_from_db()
    assert consortium.lead_organisation == lead.organisation


def test_member_kinds_are_recorded_by_their_own_services(consortium, lead):
    with pytest.raises(DomainError, match="新增参与单位"):
        change(consortium, lead, kind=ChangeRecord.Kind.MEMBER_JOINED)
    assert not ChangeRecord.objects.exists()


# --- A member joins ---------------------------------------------------------------------------------------------


def test_a_joining_member_gets_a_membership_from_its_effective_date(consortium, lead):
    record = join(consortium, lead)

    membership = ChangeRecord.objects.select_related("membership__organisation").get(pk=record.pk).membership
    assert (membership.organisation.uscc, membership.joined_on, membership.left_on) == (
        make_uscc(777_001),
        TODAY - timedelta(days=10),
        None,
    )
    assert (membership.capability, membership.role, membership.independent_legal_entity) == (
        "研发人员 60 人，建有省级工程技术研究中心。",
        "负责器件封装工艺验证。",
        True,
    )
    assert membership_history(consortium)[2] == membership  # after the members of the filing


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"uscc": "91320115MA1Q8W3R2X"}, "统一社会信用代码 91320115MA1Q8W3R2X 无效"),
        ({"independent_legal_entity": False}, "未确认为独立法人单位"),
        ({"capability": "  "}, "未说明研发和技术配套能力"),
        ({"kind": "university", "capability": ""}, "未说明研究团队和科研实验条件"),
    ],
)
def test_a_joining_member_meets_the_conditions_of_filing(consortium, lead, media, overrides, message):
    before = memberships(consortium)

    with pytest.raises(DomainError, match=message):
        join(consortium, lead, **overrides)

    assert nothing_stored(consortium, media, before)


def test_a_unit_under_a_dishonesty_record_in_force_cannot_join(consortium, lead, demo_users, media):
    barred = organisation(name="失信测试公司")
    DishonestyRecord.objects.create(
        organisation=barred, reason="虚报材料", valid_from=TODAY - timedelta(days=1), recorded_by=demo_users["city"]
    )
    before = memberships(consortium)

    with pytest.raises(DomainError, match=f"统一社会信用代码 {barred.uscc}）列入失信信息记录"):
        join(consortium, lead, uscc=barred.uscc, name=barred.name)

    assert nothing_stored(consortium, media, before)


def test_a_record_ended_early_no_longer_bars_the_unit(consortium, lead, demo_users):
    cleared = organisation(name="已整改公司")
    DishonestyRecord.objects.create(
        organisation=cleared,
        reason="虚报材料",
        valid_from=TODAY - timedelta(days=100),
        recorded_by=demo_users["city"],
        ended_on=TODAY - timedelta(days=20),
        end_reason="整改完毕",
        ended_by=demo_users["city"],
    )

    record = join(consortium, lead, uscc=cleared.uscc, name=cleared.name)

    assert ChangeRecord.objects.get(pk=record.pk).membership.organisation == cleared


def test_a_current_member_cannot_join_again(consortium, lead, members, media):
    before = memberships(consortium)

    with pytest.raises(DomainError, match="已是本联合体的参与单位"):
        join(consortium, lead, uscc=members[0].uscc, name=members[0].name, kind="university")

    assert nothing_stored(consortium, media, before)


# --- Who, when, and with what date -----------------------------------------------------------------------------


def test_only_the_lead_unit_of_an_active_consortium_records_changes(consortium, demo_users, lead, media):
    for actor in (demo_users["lead-b"], demo_users["jiangning"], demo_users["city"], demo_users["admin"]):
        with pytest.raises(DomainError, match="只有该联合体牵头单位的用户可以记录变更"):
            change(consortium, actor)
    consortium.status = Status.EXPIRED
    consortium.save()
    with pytest.raises(DomainError, match="备案处于“建设期满”状态，不能记录变更"):
        change(consortium, lead)
    assert (ChangeRecord.objects.count(), stored_files(media)) == (0, [])


@pytest.mark.parametrize(
    ("days", "message"), [(-1, "不能晚于今天"), (801, "不能早于备案日期")], ids=["future", "before filing"]
)
def test_the_effective_date_lies_between_the_filing_and_today(consortium, lead, days, message):
    with pytest.raises(DomainError, match=message) as refused:
        change(consortium, lead, effective_on=TODAY - timedelta(days=days))
    assert refused.value.field == "effective_on"
    assert not ChangeRecord.objects.exists()


def test_a_change_needs_an_explanation(consortium, lead):
    with pytest.raises(DomainError, match="请填写变更说明") as refused:
        change(consortium, lead, explanation="   ")
    assert refused.value.field == "explanation"
    assert not ChangeRecord.objects.exists()


def test_a_member_cannot_leave_before_it_joined(consortium, lead):
    joined = join(consortium, lead).membership

    with pytest.raises(DomainError, match="不能早于该单位的加入日期"):
        leave(consortium, lead, joined, effective_on=TODAY - timedelta(days=11))

    assert Membership.objects.get(pk=joined.pk).left_on is None


# --- Audit and notification ---------------------------------------------------------------------------------------


def test_a_change_is_audited_and_told_to_the_officers_of_the_jurisdiction(consortium, lead):
    record = change(consortium, lead, kind=ChangeRecord.Kind.MECHANISM, explanation="收益分配改为按贡献度分配。")

    event = AuditEvent.objects.get(object_type="consortia.consortium", object_id=str(consortium.pk))
    assert (event.actor, event.changes["action"], event.changes["change"], event.changes["kind"]) == (
        lead,
        "record_change",
        record.pk,
        "mechanism",
    )
    assert event.changes["agreement"]["sha256"] == record.agreement.sha256
    told = Notification.objects.select_related("recipient")
    assert [n.recipient.username for n in told] == ["jiangning"]  # not Xuanwu's officer, not the city
    notification = told.get()
    assert consortium.name in notification.subject
    assert "运行机制调整" in notification.subject
    assert "收益分配改为按贡献度分配。" in notification.body
    assert notification.link == f"/filings/{consortium.pk}/"
