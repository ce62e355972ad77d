"""A lead unit deletes a draft it never submitted; a filing once submitted stays. Withdrawn filings leave the list."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from consortia.models import (
    Consortium,
    Document,
    FundingLine,
    Governance,
    LeadUnit,
    Membership,
    ResearchTask,
    Submission,
)
from consortia.services import delete_draft, withdraw_filing
from consortia.states import Status
from portal.exceptions import DomainError
from portal.models import AuditEvent, Organisation
from tests.factories import complete_filing, submitted_filing

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def delete_url(consortium) -> str:
    return reverse("consortia:delete_draft", args=[consortium.pk])


def audit_events(consortium_pk: int):
    return AuditEvent.objects.filter(object_type="consortia.consortium", object_id=str(consortium_pk))


def everything_of(consortium_pk: int) -> dict:
    """How many rows a filing has, table by table."""
    owned = (LeadUnit, Governance, Membership, ResearchTask, FundingLine, Document, Submission)
    return {
        "Consortium": Consortium.objects.filter(pk=consortium_pk).count(),
        **{model.__name__: model.objects.filter(consortium_id=consortium_pk).count() for model in owned},
    }


def test_a_lead_unit_deletes_its_never_submitted_draft(demo_users, media, django_capture_on_commit_callbacks):
    owner = demo_users["lead-a"]
    draft = complete_filing(lead_user=owner, name="将被删除的草稿")
    kept = complete_filing(lead_user=owner, name="保留的草稿", seed=2000)
    members = list(draft.memberships.values_list("organisation_id", flat=True))
    document = Document.objects.get(consortium=draft)
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)
    assert [table for table, count in everything_of(draft.pk).items() if not count] == ["Submission"]
    assert audit_events(draft.pk).count() == 0
    client = client_for(owner)
    page = client.get(reverse("consortia:detail", args=[draft.pk])).content.decode()
    assert f'action="{delete_url(draft)}" data-confirm="' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url(draft))

    assert response.status_code == 302 and response.url == reverse("consortia:list")
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    assert set(everything_of(draft.pk).values()) == {0}
    assert not storage.exists(name)
    # Organisations typed in as members are shared: they stay.
    assert Organisation.objects.filter(pk__in=members).count() == len(members)
    (event,) = audit_events(draft.pk)
    assert event.actor == owner and event.changes == {"action": "delete", "name": "将被删除的草稿"}
    listing = client.get(reverse("consortia:list"))
    assert [row.pk for row in listing.context["page"].object_list] == [kept.pk]
    assert list(Consortium.objects.visible_to(demo_users["admin"])) == [kept]
    assert "将被删除的草稿" not in client_for(demo_users["admin"]).get(reverse("monitoring:portfolio")).content.decode()
    # The other draft and its file are untouched.
    assert Document.objects.get(consortium=kept).file.storage.exists(Document.objects.get(consortium=kept).file.name)


def test_the_files_stay_until_the_deletion_commits(demo_users, media, django_capture_on_commit_callbacks):
    owner = demo_users["lead-a"]
    draft = complete_filing(lead_user=owner)
    document = Document.objects.get(consortium=draft)
    storage, name = document.file.storage, document.file.name

    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        delete_draft(consortium_id=draft.pk, actor=owner)
    assert not Consortium.objects.filter(pk=draft.pk).exists()
    assert storage.exists(name)  # a rolled-back deletion must still find its file
    for callback in on_commit:
        callback()
    assert not storage.exists(name)


def returned(owner):
    consortium = submitted_filing(lead_user=owner, name="退回修改的备案")
    Consortium.objects.filter(pk=consortium.pk).update(status=Status.RETURNED)
    return consortium


def draft_with_a_submission(owner):
    """No transition leads back to draft once submitted; should one ever, its submissions still keep it."""
    consortium = submitted_filing(lead_user=owner, name="曾提交的草稿")
    Consortium.objects.filter(pk=consortium.pk).update(status=Status.DRAFT)
    return consortium


def withdrawn(owner):
    consortium = complete_filing(lead_user=owner, name="撤回的备案", seed=6000)
    withdraw_filing(consortium_id=consortium.pk, actor=owner)
    return consortium


@pytest.mark.parametrize(
    ("make", "refusal"),
    [
        (lambda owner: submitted_filing(lead_user=owner, name="初审中的备案"), "状态，不能删除"),
        (returned, "状态，不能删除"),  # editable again, but it was submitted
        (draft_with_a_submission, "已提交过"),
        (withdrawn, "状态，不能删除"),
    ],
    ids=["in-review", "returned", "draft-with-a-submission", "withdrawn"],
)
def test_a_filing_that_is_not_a_never_submitted_draft_cannot_be_deleted(
    demo_users, media, django_capture_on_commit_callbacks, make, refusal
):
    owner = demo_users["lead-a"]
    consortium = make(owner)
    document = Document.objects.get(consortium=consortium)
    before = everything_of(consortium.pk), Consortium.objects.get(pk=consortium.pk).status
    events = audit_events(consortium.pk).count()
    client = client_for(owner)
    page = client.get(reverse("consortia:detail", args=[consortium.pk])).content.decode()
    assert delete_url(consortium) not in page and 'data-testid="delete-draft"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url(consortium))

    assert response.status_code == 302 and response.url == reverse("consortia:detail", args=[consortium.pk])
    (message,) = get_messages(response.wsgi_request)
    assert message.level_tag == "error" and refusal in message.message
    assert (everything_of(consortium.pk), Consortium.objects.get(pk=consortium.pk).status) == before
    assert document.file.storage.exists(document.file.name)
    assert audit_events(consortium.pk).count() == events
    with pytest.raises(DomainError, match=refusal):
        delete_draft(consortium_id=consortium.pk, actor=owner)


@pytest.mark.parametrize(("username", "status"), [("lead-b", 404), ("jiangning", 404), ("city", 404), ("admin", 403)])
def test_nobody_but_its_lead_unit_deletes_a_draft(demo_users, media, username, status):
    draft = complete_filing(lead_user=demo_users["lead-a"])
    before = everything_of(draft.pk)
    client = client_for(demo_users[username])
    assert 'data-testid="delete-draft"' not in client.get(reverse("consortia:detail", args=[draft.pk])).content.decode()

    assert client.post(delete_url(draft)).status_code == status
    with pytest.raises(DomainError, match="只有牵头单位的用户"):
        delete_draft(consortium_id=draft.pk, actor=demo_users[username])
    assert everything_of(draft.pk) == before
    assert audit_events(draft.pk).count() == 0


def test_an_officer_cannot_delete_a_submitted_filing(demo_users, media):
    consortium = submitted_filing(lead_user=demo_users["lead-a"])
    before = everything_of(consortium.pk)
    assert client_for(demo_users["jiangning"]).post(delete_url(consortium)).status_code == 403
    assert everything_of(consortium.pk) == before


def listed(client, **params) -> list[str]:
    return [row.name for row in client.get(reverse("consortia:list"), params).context["page"].object_list]


def test_withdrawn_filings_are_listed_only_when_asked_for(demo_users, media):
    owner = demo_users["lead-a"]
    complete_filing(lead_user=owner, name="在填的草稿")
    withdrawn(owner)
    client = client_for(owner)

    assert listed(client) == ["在填的草稿"]
    page = client.get(reverse("consortia:list")).content.decode()
    assert 'href="?withdrawn=1"' in page and "显示已撤回的备案（1）" in page
    assert sorted(listed(client, withdrawn="1")) == ["在填的草稿", "撤回的备案"]
    assert 'data-testid="hide-withdrawn"' in client.get(reverse("consortia:list"), {"withdrawn": "1"}).content.decode()


def test_a_lead_unit_with_only_withdrawn_filings_is_not_told_it_has_none(demo_users, media):
    owner = demo_users["lead-a"]
    withdrawn(owner)
    client = client_for(owner)
    response = client.get(reverse("consortia:list"))
    assert listed(client) == []
    page = response.content.decode()
    assert "除已撤回的备案外，暂无其他备案。" in page and "本单位尚无创新联合体备案" not in page
    assert listed(client, withdrawn="1") == ["撤回的备案"]
