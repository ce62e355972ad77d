"""The filing page offers the editor only to those who may edit: officers, city staff and administrators read it and
are never linked to an editor page that would refuse them."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from consortia.models import Consortium, Section
from consortia.states import Status
from tests.factories import complete_filing, submitted_filing

pytestmark = pytest.mark.django_db


class Targets(HTMLParser):
    """Every href and form action of a page, without its query string."""

    def __init__(self):
        super().__init__()
        self.targets = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "action") and value:
                self.targets.add(value.split("?")[0])


def targets(client, consortium) -> set[str]:
    response = client.get(reverse("consortia:detail", args=[consortium.pk]))
    assert response.status_code == 200
    parser = Targets()
    parser.feed(response.content.decode())
    return parser.targets


def editor_urls(consortium) -> set[str]:
    pk = consortium.pk
    urls = {reverse("consortia:edit", args=[pk, section]) for section in Section.values}
    urls |= {reverse(f"consortia:{name}", args=[pk]) for name in ("eligibility", "submit", "withdraw", "delete_draft")}
    for membership in consortium.memberships.all():
        urls |= {reverse(f"consortia:{name}", args=[pk, membership.pk]) for name in ("edit_member", "remove_member")}
    for document in consortium.documents.all():
        urls.add(reverse("consortia:delete_document", args=[pk, document.pk]))
    return urls


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_reviewers_are_not_linked_to_the_editor_of_a_filing_returned_for_revision(demo_users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    consortium = submitted_filing(lead_user=demo_users["lead-a"])
    Consortium.objects.filter(pk=consortium.pk).update(status=Status.RETURNED)  # its lead unit edits it again
    editor = editor_urls(consortium)

    lead = targets(client_for(demo_users["lead-a"]), consortium) & editor
    assert reverse("consortia:edit", args=[consortium.pk, Section.BASIC]) in lead
    assert reverse("consortia:withdraw", args=[consortium.pk]) in lead
    for username in ("jiangning", "city", "admin"):
        assert targets(client_for(demo_users[username]), consortium) & editor == set(), username


def test_an_administrator_reading_a_draft_is_not_linked_to_the_editor(demo_users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    draft = complete_filing(lead_user=demo_users["lead-a"])
    editor = editor_urls(draft)
    assert reverse("consortia:delete_draft", args=[draft.pk]) in targets(client_for(demo_users["lead-a"]), draft)
    # The eligibility page is the lead unit's own: it would only send the administrator on to the review page.
    assert targets(client_for(demo_users["admin"]), draft) & editor == set()


def test_a_lead_unit_reads_the_eligibility_results_of_a_filing_under_review(demo_users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    consortium = submitted_filing(lead_user=demo_users["lead-a"])
    assert targets(client_for(demo_users["lead-a"]), consortium) & editor_urls(consortium) == {
        reverse("consortia:eligibility", args=[consortium.pk])
    }
