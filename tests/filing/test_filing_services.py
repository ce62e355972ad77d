"""The filing services called directly, their results read back whole (consortia.services): a section's version and
who saved it, the exact refusals of a save, a member added or removed, a document uploaded or deleted, what a
submission keeps of its eligibility, and a draft deleted."""

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from consortia.models import (
    Consortium,
    Document,
    FundingLine,
    Governance,
    LeadUnit,
    Membership,
    ResearchTask,
    Section,
    Submission,
)
from consortia.services import (
    JUSTIFICATIONS,
    StaleSection,
    add_member,
    create_filing,
    delete_document,
    delete_draft,
    find_or_create_member_organisation,
    remove_member,
    save_section,
    section_label,
    section_version,
    submit_filing,
    upload_document,
    withdraw_filing,
)
from consortia.snapshots import evaluate_filing, load_filing
from consortia.states import Status
from portal.exceptions import DomainError
from portal.models import AuditEvent, Notification, Organisation
from tests.factories import complete_filing, make_uscc, organisation, pdf_upload

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


@pytest.fixture
def lead(demo_users):
    return demo_users["lead-a"]


@pytest.fixture
def draft(lead):
    return complete_filing(lead_user=lead)


def refused(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as error:
        call(**kwargs)
    return error.value


def save(consortium, actor, section=Section.BASIC, *, loaded_version=None, apply=lambda consortium: None):
    if loaded_version is None:
        loaded_version = section_version(Consortium.objects.get(pk=consortium.pk), section).number
    return save_section(
        consortium_id=consortium.pk, actor=actor, section=section, loaded_version=loaded_version, apply=apply
    )


def record_changes(consortium):
    return list(
        AuditEvent.objects.filter(
            event_type=AuditEvent.Type.RECORD_CHANGED, object_type="consortia.consortium", object_id=str(consortium.pk)
        )
        .order_by("pk")
        .values_list("actor__username", "changes")
    )


# --- Sections and their versions ---------------------------------------------------------------------------------


def test_a_section_never_saved_is_at_version_zero_by_nobody():
    consortium = Consortium(section_versions={})
    assert section_version(consortium, Section.BASIC) == section_version(consortium, Section.LEAD)
    version = section_version(consortium, Section.BASIC)
    assert (version.number, version.saved_by, version.saved_at) == (0, "", None)


def test_a_saved_section_reads_its_version_who_and_when():
    consortium = Consortium(
        section_versions={
            "basic": {"version": 3, "by": "王敏", "at": "2026-03-01T09:30:00+08:00"},
            "lead": {"version": "2"},
        }
    )

    basic = section_version(consortium, Section.BASIC)
    lead = section_version(consortium, Section.LEAD)

    assert (basic.number, basic.saved_by, basic.saved_at) == (3, "王敏", datetime(2026, 3, 1, 9, 30, tzinfo=SHANGHAI))
    assert (lead.number, lead.saved_by, lead.saved_at) == (2, "", None)


@pytest.mark.parametrize(
    ("section", "label"),
    [
        (Section.BASIC, "基本信息"),
        (Section.DOCUMENTS, "附件材料"),
        (JUSTIFICATIONS, "说明理由"),
        ("unknown", "说明理由"),
    ],
)
def test_each_section_has_its_name(section, label):
    assert section_label(section) == label


def test_saving_a_section_counts_its_version_records_who_and_audits_it(draft, lead):
    before = timezone.now()

    saved = save(draft, lead, apply=lambda consortium: setattr(consortium, "summary", "新的简介。"))

    assert saved.pk == draft.pk
    draft.refresh_from_db()
    assert draft.summary == "新的简介。"
    entry = draft.section_versions["basic"]
    assert (entry["version"], entry["by"]) == (1, str(lead))
    assert before <= datetime.fromisoformat(entry["at"]) <= timezone.now()
    assert draft.section_versions["governance"]["version"] == 1  # another section keeps its own
    save(draft, lead)
    draft.refresh_from_db()
    assert draft.section_versions["basic"]["version"] == 2
    assert record_changes(draft) == [
        ("lead-a", {"action": "save_section", "section": "basic", "version": 1}),
        ("lead-a", {"action": "save_section", "section": "basic", "version": 2}),
    ]


def test_a_stale_save_names_who_saved_when_and_which_section_and_writes_nothing(draft, lead):
    draft.section_versions["basic"] = {"version": 4, "by": "李强", "at": "2026-03-01T01:30:00+00:00"}
    draft.save()

    with pytest.raises(StaleSection) as stale:
        save(draft, lead, loaded_version=3, apply=lambda consortium: setattr(consortium, "summary", "覆盖。"))

    assert stale.value.message == (
        "保存未成功：在您打开本页之后，李强 于 2026-03-01 09:30 保存了“基本信息”。"
        "为避免覆盖他人的修改，您的内容未保存。请核对下方对方保存的内容，确认后再次保存。"
    )
    assert (stale.value.section, stale.value.version) == ("basic", 4)
    draft.refresh_from_db()
    assert draft.summary != "覆盖。" and draft.section_versions["basic"]["version"] == 4
    assert record_changes(draft) == []


def test_a_stale_save_of_a_section_saved_without_a_time_and_of_anothers_section_names():
    unknown = StaleSection(section=JUSTIFICATIONS, saved_by="王敏", saved_at=None, version=1)
    labelled = StaleSection(section="progress", saved_by="王敏", saved_at=None, version=2, label="年度进展")

    assert unknown.message == (
        "保存未成功：在您打开本页之后，王敏 于  保存了“说明理由”。"
        "为避免覆盖他人的修改，您的内容未保存。请核对下方对方保存的内容，确认后再次保存。"
    )
    assert "保存了“年度进展”" in labelled.message and (labelled.section, labelled.version) == ("progress", 2)


def test_a_save_by_another_lead_unit_or_of_a_filing_under_review_is_refused(draft, lead, demo_users):
    error = refused(save, consortium=draft, actor=demo_users["lead-b"])
    assert error.message == "只有牵头单位的用户可以修改本备案。"
    Consortium.objects.filter(pk=draft.pk).update(status=Status.DISTRICT_REVIEW)
    error = refused(save, consortium=draft, actor=lead)
    assert error.message == "备案处于“区级初审中”状态，不能修改。"
    draft.refresh_from_db()
    assert "basic" not in draft.section_versions
    assert record_changes(draft) == []


# --- Members -----------------------------------------------------------------------------------------------------


def test_a_member_is_found_by_its_uscc_however_typed_or_created_unregistered(db):
    existing = organisation(501, name="南京已有公司")
    typed = f" {existing.uscc[:8].lower()} {existing.uscc[8:]} "

    assert find_or_create_member_organisation(uscc=typed, name="别的名字", kind="institute") == existing

    created = find_or_create_member_organisation(uscc=make_uscc(502).lower(), name="  南京新公司  ", kind="enterprise")
    created.refresh_from_db()
    assert (created.uscc, created.name, created.kind, created.registered) == (
        make_uscc(502),
        "南京新公司",
        "enterprise",
        False,
    )
    assert Organisation.objects.filter(uscc=make_uscc(502)).count() == 1


def test_a_member_cannot_be_the_lead_unit_or_added_twice(draft, lead):
    current = draft.memberships.select_related("organisation").first().organisation

    lead_error = refused(add_member, consortium=draft, organisation=lead.organisation, details={})
    twice = refused(add_member, consortium=draft, organisation=current, details={})

    assert (lead_error.message, lead_error.field) == ("该单位是本联合体的牵头单位，不能同时作为参与单位。", "uscc")
    assert (twice.message, twice.field) == (
        f"统一社会信用代码 {current.uscc}（{current.name}）已是本联合体的参与单位，不能重复添加。",
        "uscc",
    )
    assert draft.memberships.filter(organisation=current).count() == 1


def test_a_member_that_left_can_be_added_again_with_its_details(draft):
    former = organisation(601, name="南京回归公司")
    Membership.objects.create(consortium=draft, organisation=former, left_on=date(2026, 1, 1))

    membership = add_member(consortium=draft, organisation=former, details={"role": "负责测试。"})

    membership.refresh_from_db()
    assert (membership.consortium_id, membership.organisation_id, membership.role, membership.left_on) == (
        draft.pk,
        former.pk,
        "负责测试。",
        None,
    )


def test_removing_a_draft_member_deletes_it_and_its_funding_lines_only(draft, lead):
    responsible, other = [m for m in draft.memberships.select_related("organisation").order_by("pk")]
    FundingLine.objects.create(consortium=draft, organisation=other.organisation, year=2026, government=5)

    remove_member(consortium=draft, membership_id=other.pk)

    assert not Membership.objects.filter(pk=other.pk).exists()
    assert list(draft.funding_lines.values_list("organisation_id", flat=True)) == [lead.organisation_id]
    assert Membership.objects.filter(pk=responsible.pk).exists()


def test_removing_a_submitted_filings_member_marks_the_day_it_left(draft):
    _, other = draft.memberships.order_by("pk")
    Consortium.objects.filter(pk=draft.pk).update(submitted_at=timezone.now())
    draft.refresh_from_db()

    remove_member(consortium=draft, membership_id=other.pk)

    other.refresh_from_db()
    assert other.left_on == timezone.localdate()
    assert refused(remove_member, consortium=draft, membership_id=other.pk).message == (
        "该参与单位已不在本联合体中，可能已被移除。请刷新页面。"
    )


def test_a_member_responsible_for_tasks_stays_and_the_tasks_are_named(draft):
    responsible = draft.memberships.select_related("organisation").order_by("pk").first()
    second = ResearchTask.objects.create(consortium=draft, title="封装可靠性攻关", kind="choke-point", objectives="—")
    second.responsible_units.set([responsible.organisation])

    error = refused(remove_member, consortium=draft, membership_id=responsible.pk)

    tasks = "”“".join(draft.tasks.filter(responsible_units=responsible.organisation).values_list("title", flat=True))
    assert tasks in ("栅氧可靠性攻关”“封装可靠性攻关", "封装可靠性攻关”“栅氧可靠性攻关")
    assert error.message == (
        f"“{responsible.organisation.name}”仍是攻关任务“{tasks}”的承担单位，请先在攻关任务中调整承担单位，再移除该参与单位。"
    )
    assert Membership.objects.filter(pk=responsible.pk, left_on=None).exists()


def test_another_filings_member_cannot_be_removed(draft, demo_users):
    other = complete_filing(lead_user=demo_users["lead-b"], name="他人的联合体", seed=3000)
    theirs = other.memberships.order_by("pk").last()

    error = refused(remove_member, consortium=draft, membership_id=theirs.pk)

    assert error.message == "该参与单位已不在本联合体中，可能已被移除。请刷新页面。"
    assert Membership.objects.filter(pk=theirs.pk).exists()


# --- Documents ---------------------------------------------------------------------------------------------------


def documents_version(consortium) -> int:
    return section_version(Consortium.objects.get(pk=consortium.pk), Section.DOCUMENTS).number


def test_an_upload_is_a_new_document_of_its_kind_by_its_uploader(draft, lead):
    document = upload_document(
        consortium_id=draft.pk,
        actor=lead,
        kind=Document.Kind.QUALIFICATION,
        uploaded_file=pdf_upload("资质证书.pdf"),
        loaded_version=0,
    )

    document.refresh_from_db()
    assert (document.consortium_id, document.kind, document.original_name, document.uploaded_by) == (
        draft.pk,
        "qualification",
        "资质证书.pdf",
        lead,
    )
    assert document.file.read().startswith(b"%PDF-")
    assert documents_version(draft) == 1
    assert record_changes(draft) == [("lead-a", {"action": "save_section", "section": "documents", "version": 1})]


def test_a_stale_upload_stores_nothing(draft, lead, media):
    with pytest.raises(StaleSection):
        upload_document(
            consortium_id=draft.pk, actor=lead, kind="other", uploaded_file=pdf_upload("迟到.pdf"), loaded_version=5
        )
    assert not Document.objects.filter(original_name="迟到.pdf").exists()


def test_an_unsent_document_is_deleted_with_the_documents_section_counted(draft, lead):
    document = draft.documents.get()

    delete_document(consortium_id=draft.pk, actor=lead, document_id=document.pk, loaded_version=0)

    assert not Document.objects.filter(pk=document.pk).exists()
    assert documents_version(draft) == 1
    error = refused(delete_document, consortium_id=draft.pk, actor=lead, document_id=document.pk, loaded_version=1)
    assert error.message == "该材料已不存在，可能已被删除。请刷新页面。"
    assert documents_version(draft) == 1


def test_a_document_submitted_before_names_its_first_submission_and_stays(draft, lead, demo_users):
    document = draft.documents.get()
    for number in (2, 1):
        submission = Submission.objects.create(
            consortium=draft, number=number, submitted_by=lead, document={}, eligibility={}
        )
        submission.documents.add(document)

    error = refused(delete_document, consortium_id=draft.pk, actor=lead, document_id=document.pk, loaded_version=0)

    assert error.message == "“组建协议.pdf”已随第 1 次提交存档，不能删除或替换。如需更正，请上传新的文件。"
    assert Document.objects.filter(pk=document.pk).exists()
    assert documents_version(draft) == 0


def test_another_filings_document_is_not_found(draft, lead, demo_users):
    other = complete_filing(lead_user=demo_users["lead-b"], name="他人的联合体", seed=3100)

    error = refused(
        delete_document, consortium_id=draft.pk, actor=lead, document_id=other.documents.get().pk, loaded_version=0
    )

    assert error.message == "该材料已不存在，可能已被删除。请刷新页面。"
    assert other.documents.exists()


# --- Submission, withdrawal, deletion ----------------------------------------------------------------------------


def test_a_submission_keeps_each_results_title_and_justification_the_thresholds_and_the_day(draft, lead):
    expected = evaluate_filing(load_filing(draft.pk))

    submission = submit_filing(consortium_id=draft.pk, actor=lead)

    record = Submission.objects.get(pk=submission.pk).eligibility
    assert record["eligible"] is True
    assert [(r["code"], r["title"], r["justification"]) for r in record["results"]] == [
        (r.rule.code, r.title, r.justification) for r in expected.results
    ]
    assert all(r["title"] for r in record["results"])
    thresholds = dataclasses.asdict(expected.thresholds)
    assert record["thresholds"].keys() == thresholds.keys()
    assert {key: Decimal(str(value)) for key, value in record["thresholds"].items()} == {
        key: Decimal(str(value)) for key, value in thresholds.items()
    }
    assert record["evaluated_on"] == timezone.localdate().isoformat()
    assert (submission.number, submission.submitted_by) == (1, lead)


def test_withdrawing_hands_back_the_withdrawn_filing(draft, lead):
    withdrawn = withdraw_filing(consortium_id=draft.pk, actor=lead)
    assert (withdrawn.pk, withdrawn.status) == (draft.pk, Status.WITHDRAWN)


def test_deleting_a_draft_keeps_only_its_audit_event(draft, lead):
    pk, name = draft.pk, draft.name

    delete_draft(consortium_id=pk, actor=lead)

    assert not Consortium.objects.filter(pk=pk).exists()
    assert list(
        AuditEvent.objects.filter(object_type="consortia.consortium", object_id=str(pk)).values_list(
            "event_type", "actor__username", "changes"
        )
    ) == [(AuditEvent.Type.RECORD_CHANGED, "lead-a", {"action": "delete", "name": name})]
    assert refused(delete_draft, consortium_id=pk, actor=lead).message == "该备案草稿已不存在，可能已被删除。"


def test_a_draft_is_deleted_only_by_its_lead_unit(draft, demo_users):
    assert refused(delete_draft, consortium_id=draft.pk, actor=demo_users["lead-b"]).message == (
        "只有牵头单位的用户可以删除本备案草稿。"
    )
    assert Consortium.objects.filter(pk=draft.pk).exists()


def test_a_lead_unit_user_creates_a_draft_led_by_its_organisation(lead):
    consortium = create_filing(actor=lead, name="  南京市新建创新联合体  ")

    consortium.refresh_from_db()
    assert (consortium.name, consortium.lead_organisation_id, consortium.created_by, consortium.status) == (
        "南京市新建创新联合体",
        lead.organisation_id,
        lead,
        Status.DRAFT,
    )
    assert LeadUnit.objects.filter(consortium=consortium).exists()
    assert Governance.objects.filter(consortium=consortium).exists()
    assert record_changes(consortium) == [("lead-a", {"action": "create"})]


@pytest.mark.parametrize(
    ("username", "name", "message", "field"),
    [
        ("city", "南京市新建创新联合体", "只有牵头单位用户可以创建备案。", None),
        ("lead-a", "   ", "请填写联合体名称。", "name"),
    ],
)
def test_a_draft_needs_a_lead_unit_user_and_a_name(demo_users, username, name, message, field):
    error = refused(create_filing, actor=demo_users[username], name=name)

    assert (error.message, error.field) == (message, field)
    assert not Consortium.objects.exists()


def test_a_lead_unit_user_of_no_organisation_cannot_create_a_draft(lead):
    """The database allows no such account; an account read before its organisation was set is refused all the same."""
    lead.organisation = None

    assert refused(create_filing, actor=lead, name="联合体").message == "只有牵头单位用户可以创建备案。"
    assert not Consortium.objects.exists()


def test_a_submission_asks_the_district_to_pre_screen_it_in_exact_words(draft, lead, demo_users):
    Submission.objects.create(consortium=draft, number=1, submitted_by=lead, document={}, eligibility={})
    Consortium.objects.filter(pk=draft.pk).update(status=Status.RETURNED, submitted_at=timezone.now())

    submission = submit_filing(consortium_id=draft.pk, actor=lead)

    assert submission.number == 2
    (told,) = Notification.objects.select_related("recipient")
    assert (told.recipient, told.subject, told.body, told.link, told.work_key) == (
        demo_users["jiangning"],
        f"新的创新联合体备案申请待初审：{draft.name}",
        f"{lead.organisation.name} 提交了“{draft.name}”的备案申请（第 2 次提交），请登录平台进行初审。",
        f"/filings/{draft.pk}/",
        f"district_review:{draft.pk}",
    )
    assert set(submission.documents.all()) == set(draft.documents.all())
    assert Consortium.objects.get(pk=draft.pk).submitted_at == submission.submitted_at


def test_a_submission_with_an_incomplete_section_is_refused_naming_the_section_and_what_it_lacks(lead):
    consortium = complete_filing(lead_user=lead, document=False)
    Consortium.objects.filter(pk=consortium.pk).update(goals=" ")

    error = refused(submit_filing, consortium_id=consortium.pk, actor=lead)

    assert error.message == "以下部分尚未填写完整，不能提交：基本信息（建设目标）；附件材料（组建协议（PDF））。"
    assert not Submission.objects.exists()
    assert Consortium.objects.get(pk=consortium.pk).status == Status.DRAFT


def test_a_submission_that_fails_a_condition_is_refused_naming_the_condition_and_its_clause(draft, lead):
    member = draft.memberships.order_by("pk").last()
    member.independent_legal_entity = False
    member.save()

    error = refused(submit_filing, consortium_id=draft.pk, actor=lead)

    assert error.message == (
        "以下条件尚未满足，不能提交：各单位为独立法人，统一社会信用代码有效且不重复（三（五））。"
        "请在“条件核验”页面查看原因。"
    )
    assert not Submission.objects.exists()
    assert not Notification.objects.exists()
