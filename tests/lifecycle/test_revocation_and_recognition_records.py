"""Revocation, the dishonesty record and provincial recognition through the services, read back whole
(consortia.lifecycle.services.revocation, .recognition, consortia.lifecycle.selectors): the exact refusals and the
fields they name, the records written and their words, who is told, and the record list's search and states."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from consortia.lifecycle.selectors import IN_FORCE, NOT_IN_FORCE, dishonesty_records, pending_declarations
from consortia.lifecycle.services import (
    declare_completion,
    end_dishonesty_record,
    record_provincial_recognition,
    revoke_consortium,
)
from consortia.models import (
    CompletionDeclaration,
    Consortium,
    DishonestyRecord,
    LifecycleDocument,
    ProvincialRecognition,
    Revocation,
    WorkflowEvent,
)
from consortia.states import Status
from consortia.workflow.door import perform_action
from portal.exceptions import DomainError
from portal.models import AuditEvent, Notification

from .factories import active_consortium, lead_user, organisation, pdf_upload

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


@pytest.fixture
def members():
    return [organisation(name="南京乙成员公司"), organisation(name="南京甲成员公司"), organisation(kind="university")]


@pytest.fixture
def consortium(demo_users, members):
    return active_consortium(
        lead=demo_users["lead-a"], end_date=date(2027, 12, 31), start_date=date(2025, 1, 10), members=members
    )


def refused(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as error:
        call(**kwargs)
    return error.value


def revoke(consortium, actor, **changes):
    arguments = {
        "consortium_id": consortium.pk,
        "actor": actor,
        "reason": "伪造合作协议。",
        "evidence": [pdf_upload("调查报告.pdf")],
        "valid_from": TODAY,
        "valid_until": None,
    }
    return revoke_consortium(**(arguments | changes))


def nothing_recorded(consortium) -> bool:
    return (
        Consortium.objects.get(pk=consortium.pk).status == Status.ACTIVE
        and not Revocation.objects.exists()
        and not DishonestyRecord.objects.exists()
        and not LifecycleDocument.objects.exists()
        and not WorkflowEvent.objects.exists()
    )


# --- Revocation --------------------------------------------------------------------------------------------------


def test_a_revocation_records_the_lead_unit_and_the_named_members_in_exact_words(demo_users, consortium, members):
    city = demo_users["city"]
    # The lead unit named among the members is recorded once.
    named = [members[1].pk, members[0].pk, consortium.lead_organisation_id]

    revocation = revoke(consortium, city, reason=" 伪造合作协议。 ", member_organisation_ids=named, valid_until=TODAY)

    assert (revocation.consortium_id, revocation.reason, revocation.revoked_by) == (
        consortium.pk,
        "伪造合作协议。",
        city,
    )
    assert Consortium.objects.get(pk=consortium.pk).status == Status.REVOKED
    reason = f"因严重弄虚作假，“{consortium.name}”（备案编号 {consortium.filing_number}）被撤销备案：伪造合作协议。"
    records = DishonestyRecord.objects.order_by("pk")
    assert [
        (r.organisation_id, r.revocation_id, r.reason, r.valid_from, r.valid_until, r.recorded_by) for r in records
    ] == [
        (organisation_id, revocation.pk, reason, TODAY, TODAY, city)
        for organisation_id in [consortium.lead_organisation_id, *sorted([members[0].pk, members[1].pk])]
    ]
    (evidence,) = revocation.evidence.all()
    assert (evidence.original_name, evidence.kind, evidence.uploaded_by, evidence.consortium_id) == (
        "调查报告.pdf",
        LifecycleDocument.Kind.REVOCATION_EVIDENCE,
        city,
        consortium.pk,
    )
    subject = f"创新联合体备案已撤销：{consortium.name}"
    body = (
        f"市科技局依《南京市级创新联合体备案建设工作指引》五（三）撤销了“{consortium.name}”的备案，"
        "并将相关单位列入失信信息记录。理由：伪造合作协议。"
    )
    told = sorted(
        (n.recipient.username, n.subject, n.body, n.link) for n in Notification.objects.select_related("recipient")
    )
    link = f"/filings/{consortium.pk}/"
    assert told == [("jiangning", subject, body, link), ("lead-a", subject, body, link)]


def test_a_consortium_without_a_filing_number_reads_a_dash_in_the_record(demo_users, consortium):
    Consortium.objects.filter(pk=consortium.pk).update(filing_number=None)

    revoke(consortium, demo_users["city"])

    record = DishonestyRecord.objects.get()
    assert record.reason == f"因严重弄虚作假，“{consortium.name}”（备案编号 —）被撤销备案：伪造合作协议。"
    assert (record.organisation_id, record.valid_until) == (consortium.lead_organisation_id, None)


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"valid_from": None}, "请填写失信记录的有效期起始日期。", "valid_from"),
        ({"valid_until": TODAY - timedelta(days=1)}, "失信记录的有效期截止日期不能早于起始日期。", "valid_until"),
        ({"evidence": []}, "请上传证据材料（PDF）。", "evidence"),
    ],
    ids=["no-start", "ends-before-it-starts", "no-evidence"],
)
def test_a_revocation_with_bad_input_is_refused_on_its_field(demo_users, consortium, changes, message, field):
    error = refused(revoke, consortium=consortium, actor=demo_users["city"], **changes)

    assert (error.message, error.field) == (message, field)
    assert nothing_recorded(consortium)


def test_a_revocation_given_no_evidence_at_all_is_refused_on_the_evidence_field(demo_users, consortium):
    """The door's inputs without any evidence (the step's own default)."""
    error = refused(
        perform_action,
        consortium_id=consortium.pk,
        action="revoke",
        actor=demo_users["city"],
        reason="伪造合作协议。",
        valid_from=TODAY,
        valid_until=None,
    )

    assert (error.message, error.field) == ("请上传证据材料（PDF）。", "evidence")
    assert nothing_recorded(consortium)


def test_a_revocation_without_a_start_is_refused_before_it_reads_the_evidence(demo_users, consortium):
    """The door's inputs without a start date at all (the step's default)."""
    with pytest.raises(DomainError) as error:
        perform_action(consortium_id=consortium.pk, action="revoke", actor=demo_users["city"], reason="伪造。")

    assert (error.value.message, error.value.field) == ("请填写失信记录的有效期起始日期。", "valid_from")
    assert nothing_recorded(consortium)


def test_a_record_may_end_on_the_day_it_begins(demo_users, consortium):
    revoke(consortium, demo_users["city"], valid_from=TODAY, valid_until=TODAY)
    assert DishonestyRecord.objects.get().valid_until == TODAY


def test_a_unit_that_is_not_a_member_cannot_be_named(demo_users, consortium, members):
    stranger = organisation(name="南京无关科技有限公司")

    error = refused(
        revoke_consortium,
        consortium_id=consortium.pk,
        actor=demo_users["city"],
        reason="伪造。",
        evidence=[pdf_upload()],
        member_organisation_ids=[members[0].pk, stranger.pk],
        valid_from=TODAY,
        valid_until=None,
    )

    assert (error.message, error.field) == ("所选单位不是该联合体的参与单位，请刷新页面后重新选择。", "members")
    assert nothing_recorded(consortium)


def test_a_member_of_another_consortium_cannot_be_named(demo_users, consortium):
    elsewhere_member = organisation(name="南京他处成员公司")
    active_consortium(lead=demo_users["lead-b"], end_date=date(2027, 12, 31), members=[elsewhere_member])

    with pytest.raises(DomainError):
        revoke(consortium, demo_users["city"], member_organisation_ids=[elsewhere_member.pk])
    assert nothing_recorded(consortium)


def test_a_revocation_lapses_the_waiting_declaration_and_finishes_the_citys_work_on_it(demo_users, consortium):
    lead = demo_users["lead-a"]
    declaration = declare_completion(
        consortium_id=consortium.pk, actor=lead, summary="完成。", attachments=[pdf_upload()]
    )
    other = active_consortium(lead=lead, end_date=date(2027, 12, 31))
    waiting = declare_completion(consortium_id=other.pk, actor=lead, summary="完成。", attachments=[pdf_upload()])

    revoke(consortium, demo_users["city"])

    declaration.refresh_from_db()
    waiting.refresh_from_db()
    assert (declaration.state, declaration.decided_by) == (CompletionDeclaration.State.LAPSED, demo_users["city"])
    assert declaration.decided_at is not None
    assert (waiting.state, waiting.decided_by, waiting.decided_at) == (CompletionDeclaration.State.PENDING, None, None)
    city_work = Notification.objects.filter(recipient=demo_users["city"])
    assert city_work.get(work_key=f"completion:{declaration.pk}").done_at is not None
    assert city_work.get(work_key=f"completion:{waiting.pk}").done_at is None


def test_a_consortium_no_longer_active_is_refused_as_moved_on(demo_users, consortium):
    Consortium.objects.filter(pk=consortium.pk).update(status=Status.COMPLETED)

    error = refused(revoke, consortium=consortium, actor=demo_users["city"])

    assert error.message == "该备案的状态已变为“任务完成”，可能已有他人先行办理。请刷新页面后查看。"


# --- Ending a record early ---------------------------------------------------------------------------------------


def test_ending_a_record_early_keeps_the_day_the_reason_and_who_and_audits_it(demo_users, consortium):
    revoke(consortium, demo_users["city"], valid_from=TODAY - timedelta(days=10))
    record = DishonestyRecord.objects.get()

    ended = end_dishonesty_record(record_id=record.pk, actor=demo_users["city"], reason=" 复核撤销。 ", today=TODAY)

    ended.refresh_from_db()
    assert (ended.pk, ended.ended_on, ended.end_reason, ended.ended_by) == (
        record.pk,
        TODAY,
        "复核撤销。",
        demo_users["city"],
    )
    assert ended.ended_at is not None
    audit = AuditEvent.objects.get(object_type="consortia.dishonestyrecord")
    assert (audit.event_type, audit.actor, audit.object_id) == (
        AuditEvent.Type.RECORD_CHANGED,
        demo_users["city"],
        str(record.pk),
    )
    assert audit.changes == {
        "action": "end_dishonesty_record",
        "organisation": consortium.lead_organisation.uscc,
        "ended_on": "2026-06-15",
        "reason": "复核撤销。",
    }


def test_ending_a_record_without_a_day_ends_it_today(demo_users, consortium):
    revoke(consortium, demo_users["city"], valid_from=timezone.localdate())
    record = DishonestyRecord.objects.get()

    end_dishonesty_record(record_id=record.pk, actor=demo_users["city"], reason="复核撤销。")

    record.refresh_from_db()
    assert record.ended_on == timezone.localdate()


def test_a_record_runs_to_its_last_day_and_may_be_ended_on_it(demo_users, consortium):
    revoke(consortium, demo_users["city"], valid_from=TODAY - timedelta(days=10), valid_until=TODAY)
    record = DishonestyRecord.objects.get()

    late = refused(
        end_dishonesty_record, record_id=record.pk, actor=demo_users["city"], reason="无。", today=TODAY + timedelta(1)
    )
    assert late.message == "该记录已于 2026-06-15 到期，无需提前终止。"

    end_dishonesty_record(record_id=record.pk, actor=demo_users["city"], reason="复核撤销。", today=TODAY)
    again = refused(end_dishonesty_record, record_id=record.pk, actor=demo_users["city"], reason="再次。", today=TODAY)
    assert again.message == "该记录已于 2026-06-15 提前终止。"


@pytest.mark.parametrize(
    ("username", "reason", "message", "field"),
    [
        ("admin", "理由", "只有市科技局可以提前终止失信信息记录。", None),
        ("lead-a", "理由", "只有市科技局可以提前终止失信信息记录。", None),
        ("city", "   ", "提前终止须填写理由。", "reason"),
    ],
)
def test_ending_a_record_is_refused_to_others_and_without_a_reason(
    demo_users, consortium, username, reason, message, field
):
    revoke(consortium, demo_users["city"])
    record = DishonestyRecord.objects.get()

    error = refused(end_dishonesty_record, record_id=record.pk, actor=demo_users[username], reason=reason, today=TODAY)

    assert (error.message, error.field) == (message, field)
    record.refresh_from_db()
    assert (record.ended_on, record.end_reason) == (None, "")


# --- The dishonesty record list ------------------------------------------------------------------------------------


@pytest.fixture
def listed(demo_users):
    """Three revoked consortia's lead units: one in force, one ended early, one not yet begun; recorded in an order
    that is not the order of their start, so that the list's order (newest start first) is its own."""
    city = demo_users["city"]
    units = {}
    for name, valid_from in [
        ("南京远山材料有限公司", TODAY + timedelta(days=5)),
        ("南京星河半导体有限公司", TODAY - timedelta(days=30)),
        ("南京明月智能装备有限公司", TODAY - timedelta(days=20)),
    ]:
        lead = lead_user(organisation(name=name))
        consortium = active_consortium(lead=lead, end_date=date(2027, 12, 31))
        revoke(consortium, city, valid_from=valid_from)
        units[name] = DishonestyRecord.objects.get(organisation=lead.organisation)
    end_dishonesty_record(record_id=units["南京明月智能装备有限公司"].pk, actor=city, reason="复核。", today=TODAY)
    return units


def names(records) -> list[str]:
    return [record.organisation.name for record in records]


def test_the_record_list_is_newest_first_with_each_records_state(demo_users, listed):
    records = dishonesty_records(user=demo_users["city"], today=TODAY)

    assert [(r.organisation.name, r.state_code) for r in records] == [
        ("南京远山材料有限公司", "pending"),
        ("南京明月智能装备有限公司", "ended"),
        ("南京星河半导体有限公司", "in_force"),
    ]


def test_records_that_start_on_the_same_day_are_listed_the_last_recorded_first(demo_users):
    city = demo_users["city"]
    for name in ["南京先记材料有限公司", "南京后记材料有限公司"]:
        consortium = active_consortium(lead=lead_user(organisation(name=name)), end_date=date(2027, 12, 31))
        revoke(consortium, city, valid_from=TODAY - timedelta(days=3))

    assert names(dishonesty_records(user=city, today=TODAY)) == ["南京后记材料有限公司", "南京先记材料有限公司"]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (IN_FORCE, ["南京星河半导体有限公司"]),
        (NOT_IN_FORCE, ["南京远山材料有限公司", "南京明月智能装备有限公司"]),
        ("", ["南京远山材料有限公司", "南京明月智能装备有限公司", "南京星河半导体有限公司"]),
        ("anything-else", ["南京远山材料有限公司", "南京明月智能装备有限公司", "南京星河半导体有限公司"]),
    ],
)
def test_the_record_list_by_state(demo_users, listed, state, expected):
    assert (IN_FORCE, NOT_IN_FORCE) == ("in_force", "not_in_force")
    assert names(dishonesty_records(user=demo_users["city"], state=state, today=TODAY)) == expected


def test_the_record_list_searches_names_and_the_start_of_the_uscc(demo_users, listed):
    city = demo_users["city"]
    code = listed["南京明月智能装备有限公司"].organisation.uscc

    assert names(dishonesty_records(user=city, search="  明月 ", today=TODAY)) == ["南京明月智能装备有限公司"]
    assert names(dishonesty_records(user=city, search=f"{code[:10].lower()} {code[10:]}", today=TODAY)) == [
        "南京明月智能装备有限公司"
    ]
    assert names(dishonesty_records(user=city, search=code[:-1], today=TODAY)) == ["南京明月智能装备有限公司"]
    assert len(dishonesty_records(user=city, search=code[:10], today=TODAY)) == 3  # the start the three share
    # A code's middle is not its start; a search that is no code at all matches names only.
    assert names(dishonesty_records(user=city, search=code[2:], today=TODAY)) == []
    assert names(dishonesty_records(user=city, search="——", today=TODAY)) == []
    assert len(dishonesty_records(user=city, search="   ", today=TODAY)) == 3


def test_the_record_list_is_the_citys(demo_users, listed):
    assert list(dishonesty_records(user=demo_users["jiangning"], today=TODAY)) == []
    assert len(dishonesty_records(user=demo_users["admin"], today=TODAY)) == 3


def test_pending_declarations_are_the_visible_ones_oldest_first(demo_users):
    first = active_consortium(lead=demo_users["lead-a"], end_date=date(2027, 12, 31))
    second = active_consortium(lead=demo_users["lead-b"], end_date=date(2027, 12, 31))
    older = declare_completion(
        consortium_id=second.pk, actor=demo_users["lead-b"], summary="完成。", attachments=[pdf_upload()]
    )
    newer = declare_completion(
        consortium_id=first.pk, actor=demo_users["lead-a"], summary="完成。", attachments=[pdf_upload()]
    )
    CompletionDeclaration.objects.create(
        consortium=first,
        summary="旧的。",
        declared_by=demo_users["lead-a"],
        state=CompletionDeclaration.State.DECLINED,
        decision_reason="不全。",
    )

    assert list(pending_declarations(user=demo_users["city"])) == [older, newer]
    assert list(pending_declarations(user=demo_users["jiangning"])) == [newer]
    assert list(pending_declarations(user=demo_users["lead-b"])) == [older]


# --- Provincial recognition --------------------------------------------------------------------------------------


def recognise(consortium, actor, **changes):
    arguments = {
        "consortium_id": consortium.pk,
        "actor": actor,
        "recognised_on": date(2026, 3, 15),
        "document": pdf_upload("省级认定通知.pdf"),
        "document_number": " 苏科技〔2026〕18号 ",
        "note": " 首批 ",
        "today": TODAY,
    }
    return record_provincial_recognition(**(arguments | changes))


def test_a_recognition_keeps_its_date_number_note_and_document_audits_it_and_tells_the_lead_unit(
    demo_users, consortium
):
    city = demo_users["city"]

    recognition = recognise(consortium, city)

    recognition.refresh_from_db()
    assert (
        recognition.consortium_id,
        recognition.recognised_on,
        recognition.document_number,
        recognition.note,
        recognition.recorded_by,
    ) == (consortium.pk, date(2026, 3, 15), "苏科技〔2026〕18号", "首批", city)
    (document,) = recognition.documents.all()
    assert (document.original_name, document.kind, document.uploaded_by, document.consortium_id) == (
        "省级认定通知.pdf",
        LifecycleDocument.Kind.RECOGNITION,
        city,
        consortium.pk,
    )
    audit = AuditEvent.objects.get(event_type=AuditEvent.Type.RECORD_CHANGED)
    assert (audit.actor, audit.object_type, audit.object_id) == (city, "consortia.consortium", str(consortium.pk))
    assert audit.changes == {
        "action": "record_provincial_recognition",
        "recognised_on": "2026-03-15",
        "document_number": "苏科技〔2026〕18号",
    }
    told = [(n.recipient.username, n.subject, n.body, n.link) for n in Notification.objects.select_related("recipient")]
    assert told == [
        (
            "lead-a",
            f"已记录省级创新联合体认定：{consortium.name}",
            f"市科技局已记录“{consortium.name}”于 2026-03-15 获认定为省级创新联合体。",
            f"/filings/{consortium.pk}/",
        )
    ]


def test_a_recognition_without_a_document_number_or_note_keeps_both_empty(demo_users, consortium):
    arguments = {"consortium_id": consortium.pk, "actor": demo_users["city"], "recognised_on": date(2026, 3, 15)}
    recognition = record_provincial_recognition(**arguments, document=pdf_upload("省级认定通知.pdf"), today=TODAY)
    recognition.refresh_from_db()
    assert (recognition.document_number, recognition.note) == ("", "")
    audit = AuditEvent.objects.get(event_type=AuditEvent.Type.RECORD_CHANGED)
    assert audit.changes["document_number"] == ""


def test_a_recognition_may_be_dated_today_or_the_filing_day_but_not_outside(demo_users, consortium):
    city = demo_users["city"]
    future = refused(recognise, consortium=consortium, actor=city, recognised_on=TODAY + timedelta(days=1))
    assert (future.message, future.field) == ("认定日期不能晚于今天。", "recognised_on")
    early = refused(recognise, consortium=consortium, actor=city, recognised_on=date(2025, 1, 9))
    assert (early.message, early.field) == ("认定日期不能早于市级备案日期（2025-01-10）。", "recognised_on")
    assert not ProvincialRecognition.objects.exists() and not LifecycleDocument.objects.exists()

    assert recognise(consortium, city, recognised_on=date(2025, 1, 10)).recognised_on == date(2025, 1, 10)
    ProvincialRecognition.objects.all().delete()
    assert recognise(consortium, city, recognised_on=TODAY).recognised_on == TODAY


def test_a_recognition_without_a_day_is_checked_against_today(demo_users, consortium):
    tomorrow = timezone.localdate() + timedelta(days=1)
    error = refused(recognise, consortium=consortium, actor=demo_users["city"], recognised_on=tomorrow, today=None)
    assert error.message == "认定日期不能晚于今天。"


def test_a_consortium_never_filed_has_no_earliest_recognition_day(demo_users, consortium):
    Consortium.objects.filter(pk=consortium.pk).update(filed_on=None)

    assert recognise(consortium, demo_users["city"], recognised_on=date(2020, 1, 1)).recognised_on == date(2020, 1, 1)


@pytest.mark.parametrize(
    ("status", "username", "message"),
    [
        (Status.ACTIVE, "jiangning", "只有市科技局可以记录省级创新联合体认定。"),
        (Status.REVOKED, "city", "备案处于“已撤销备案”状态，不能记录省级认定。"),
    ],
)
def test_who_may_not_record_recognition_and_when_is_said_exactly(demo_users, consortium, status, username, message):
    Consortium.objects.filter(pk=consortium.pk).update(status=status)

    error = refused(recognise, consortium=consortium, actor=demo_users[username], recognised_on=date(2099, 1, 1))

    assert error.message == message
    assert not ProvincialRecognition.objects.exists()


def test_a_recognition_is_recorded_once(demo_users, consortium):
    recognise(consortium, demo_users["city"])

    error = refused(recognise, consortium=consortium, actor=demo_users["city"])

    assert error.message == "该联合体的省级认定已记录，不能重复记录。"
    assert ProvincialRecognition.objects.count() == 1 and LifecycleDocument.objects.count() == 1


def test_a_recognition_without_a_document_is_refused_on_its_field(demo_users, consortium):
    error = refused(recognise, consortium=consortium, actor=demo_users["city"], document=None)
    assert (error.message, error.field) == ("请上传省级认定文件（PDF）。", "document")


def test_the_record_list_reads_each_records_unit_consortium_recorder_and_ender_in_one_query(
    demo_users, listed, django_assert_num_queries
):
    records = dishonesty_records(user=demo_users["city"], today=TODAY)

    with django_assert_num_queries(1):
        read = [
            (
                r.organisation.name,
                r.revocation.consortium.lead_organisation_id,
                r.recorded_by.username,
                r.ended_by.username if r.ended_by_id else None,
            )
            for r in records
        ]

    assert [(name, recorder, ender) for name, _, recorder, ender in read] == [
        ("南京远山材料有限公司", "city", None),
        ("南京明月智能装备有限公司", "city", "city"),
        ("南京星河半导体有限公司", "city", None),
    ]


def test_pending_declarations_come_by_when_they_were_declared_with_their_unit_and_declarer_in_one_query(
    demo_users, django_assert_num_queries
):
    consortia = [active_consortium(lead=demo_users["lead-a"], end_date=date(2027, 12, day)) for day in (1, 2)]
    declared = [
        declare_completion(consortium_id=c.pk, actor=demo_users["lead-a"], summary="完成。", attachments=[pdf_upload()])
        for c in consortia
    ]
    # The one filed second was declared first (a declaration entered again after a repair, say).
    CompletionDeclaration.objects.filter(pk=declared[1].pk).update(
        declared_at=declared[0].declared_at - timedelta(days=1)
    )

    with django_assert_num_queries(1):
        rows = [
            (d.pk, d.consortium.lead_organisation.name, d.declared_by.username)
            for d in pending_declarations(user=demo_users["city"])
        ]
    lead = demo_users["lead-a"].organisation.name
    assert rows == [(declared[1].pk, lead, "lead-a"), (declared[0].pk, lead, "lead-a")]
