"""Lead users of another organisation get 404 on every URL of the filing, its documents included (DESIGN §7)."""

import pytest
from django.test import Client
from django.urls import reverse

from consortia.models import Document, Membership, Section

from .conftest import MEMBERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(editor):
    editor.add_member(MEMBERS[0])
    editor.upload()
    return editor.consortium


def urls_of(consortium):
    pk = consortium.pk
    membership = Membership.objects.get(consortium=consortium)
    document = Document.objects.get(consortium=consortium)
    return [
        reverse("consortia:detail", args=[pk]),
        reverse("consortia:export", args=[pk]),
        *[reverse("consortia:edit", args=[pk, section]) for section in Section.values],
        reverse("consortia:edit_member", args=[pk, membership.pk]),
        reverse("consortia:remove_member", args=[pk, membership.pk]),
        reverse("consortia:document", args=[pk, document.pk]),
        reverse("consortia:delete_document", args=[pk, document.pk]),
        reverse("consortia:eligibility", args=[pk]),
        reverse("consortia:submit", args=[pk]),
        reverse("consortia:withdraw", args=[pk]),
    ]


def test_every_filing_url_is_not_found_for_another_organisation(filled, demo_users):
    client = Client()
    client.force_login(demo_users["lead-b"])
    for url in urls_of(filled):
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"loaded_version": 1}).status_code == 404, url
    assert Membership.objects.filter(consortium=filled).count() == 1
    assert Document.objects.filter(consortium=filled).count() == 1


def test_officer_of_the_district_does_not_see_an_unsubmitted_draft(filled, demo_users):
    client = Client()
    client.force_login(demo_users["jiangning"])
    assert client.get(reverse("consortia:detail", args=[filled.pk])).status_code == 404
    assert filled.name not in client.get(reverse("monitoring:portfolio")).content.decode()


def test_anonymous_is_sent_to_login(filled):
    for url in urls_of(filled):
        response = Client().get(url)
        assert response.status_code in (302, 405), url
        if response.status_code == 302:
            assert response.url.startswith(reverse("login"))


def test_owner_downloads_the_document_with_a_safe_chinese_name(filled, lead_client):
    document = Document.objects.get(consortium=filled)
    response = lead_client.get(reverse("consortia:document", args=[filled.pk, document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E7%BB%84%E5%BB%BA%E5%8D%8F%E8%AE%AE.pdf" in disposition
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_documents_are_not_under_any_static_or_media_url(filled, lead_client, settings):
    document = Document.objects.get(consortium=filled)
    stored = document.file.name
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))
    for prefix in (settings.MEDIA_URL, settings.STATIC_URL, "/media/", "/"):
        assert lead_client.get(prefix + stored).status_code == 404, prefix
    # The stored name is random, not the user's file name.
    assert "组建协议" not in stored


def test_admin_can_look_up_but_not_change_a_consortium(filled, demo_users):
    client = Client()
    client.force_login(demo_users["admin"])
    assert client.get(reverse("admin:consortia_consortium_changelist")).status_code == 200
    change_url = reverse("admin:consortia_consortium_change", args=[filled.pk])
    assert client.get(change_url).status_code == 200  # view-only
    client.post(change_url, {"status": "active", "name": "篡改"})
    filled.refresh_from_db()
    assert (filled.status, filled.name) == ("draft", "南京市第三代半导体功率器件创新联合体")
    assert client.get(reverse("admin:consortia_consortium_delete", args=[filled.pk])).status_code == 403
