"""The English catalogue is complete, compiled, and used: every message translated, the committed .mo built from the
committed .po, key words in English, and the pages every demo account opens first speak English in their navigation
and headings (apart from the proper names that come from the data: people, organisations, authorities)."""

import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from consortia.eligibility.rules import RULES, RULES_BY_CODE
from consortia.states import Status
from reviews.services import review_filing
from tests.factories import submitted_filing

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_FILE = CATALOGUE / "django.po"
MO_FILE = CATALOGUE / "django.mo"

# Han ideographs, CJK symbols and punctuation (、。〔〕…) and full-width forms (，：（）…).
CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]")


@pytest.fixture(autouse=True)
def _language_restored():
    """A request through the test client leaves its language active in this thread (LocaleMiddleware activates it
    and nothing deactivates it): put back the language the test started with, so later tests are not in English."""
    with translation.override(translation.get_language()):
        yield


# --- (a) Every entry of the English catalogue is translated and none is fuzzy ---------------------------------------


def _unquote(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda match: escapes.get(match.group(1), match.group(0)), text)


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file, each {"flags", "msgid", "msgid_plural", "msgstr": {index: text}, "line"}.

    Enough of the format for this catalogue: comments, flags, msgctxt, msgid(_plural), msgstr[n] and continued
    strings; obsolete entries (#~) are left out."""
    entries: list[dict] = []
    entry: dict | None = None
    field: tuple | None = None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                finish()
                entry, field = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}, "msgid_plural": None, "line": number}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):  # a continued string
            text = _unquote(line[1:-1])
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] += text
            else:
                entry[field[0]] += text
            continue
        text = _unquote(rest.strip()[1:-1])
        if keyword == "msgstr":
            field = ("msgstr", 0)
            entry["msgstr"][0] = text
        elif keyword.startswith("msgstr["):
            field = ("msgstr", int(keyword[7:-1]))
            entry["msgstr"][field[1]] = text
        else:  # msgctxt, msgid, msgid_plural
            field = (keyword,)
            entry[keyword] = text
    finish()
    return entries


def test_the_english_catalogue_has_no_untranslated_and_no_fuzzy_entries():
    entries = read_po(PO_FILE)
    assert len(entries) > 500, "the catalogue looks truncated"
    fuzzy = [f"line {e['line']}: {e['msgid']!r}" for e in entries if "fuzzy" in e["flags"]]
    untranslated = [
        f"line {e['line']}: {e['msgid']!r}"
        for e in entries
        if e["msgid"] and (not e["msgstr"] or not all(text.strip() for text in e["msgstr"].values()))
    ]
    assert not fuzzy, "fuzzy entries in the English catalogue:\n" + "\n".join(fuzzy)
    assert not untranslated, "untranslated entries in the English catalogue:\n" + "\n".join(untranslated)


def test_translations_keep_every_placeholder_of_their_message():
    wrong = []
    for entry in read_po(PO_FILE):
        expected = set(PLACEHOLDER.findall(entry["msgid"] + (entry["msgid_plural"] or "")))
        for text in entry["msgstr"].values():
            if set(PLACEHOLDER.findall(text)) != expected:
                wrong.append(f"line {entry['line']}: {entry['msgid']!r} → {text!r}")
    assert not wrong, "\n".join(wrong)


# --- (b) The committed .mo is the compiled committed .po -------------------------------------------------------------


def _catalog(path: Path) -> dict:
    with path.open("rb") as stream:
        catalog = dict(gettext.GNUTranslations(stream)._catalog)
    # The header entry carries POT-Creation-Date, which every makemessages run rewrites: compare the messages.
    catalog.pop("", None)
    return catalog


def test_the_committed_mo_file_is_compiled_from_the_committed_po_file(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        reason = "GNU gettext's msgfmt is not installed, so the .mo cannot be rebuilt to compare"
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI is set: install gettext)")
        print(reason)
        pytest.skip(reason)
    compiled = tmp_path / "django.mo"
    # As ``manage.py compilemessages`` runs it.
    subprocess.run([msgfmt, "--check-format", "-o", str(compiled), str(PO_FILE)], check=True, capture_output=True)
    fresh, committed = _catalog(compiled), _catalog(MO_FILE)
    stale = sorted(str(key) for key in fresh.keys() ^ committed.keys())
    stale += sorted(str(key) for key in fresh.keys() & committed.keys() if fresh[key] != committed[key])
    assert not stale, "django.mo is out of date; run manage.py compilemessages. Differing messages:\n" + "\n".join(
        stale[:20]
    )


# --- (c) Key words come out in English -------------------------------------------------------------------------------


def test_key_ui_strings_are_english_when_english_is_active():
    with translation.override("en"):
        assert translation.gettext("工作台") == "Workbench"
        assert translation.gettext("审核队列") == "Review queue"
        labels = {status: str(status.label) for status in Status}
        assert labels[Status.DRAFT] == "Draft"
        assert labels[Status.DISTRICT_REVIEW] == "In district pre-screening"
        assert labels[Status.ACTIVE] == "Filed (in construction period)"
        assert labels[Status.REVOKED] == "Filing revoked"
        assert len(set(labels.values())) == len(labels), "two statuses read the same in English"
        academic = RULES_BY_CODE["ACADEMIC_MEMBER"]
        assert str(academic.title) == "In principle, includes a university or research institute"
        titles = {rule.code: str(rule.title) for rule in RULES}
    untranslated = [text for text in [*labels.values(), *titles.values()] if CJK.search(text)]
    assert not untranslated, untranslated


def test_chinese_stays_the_default():
    with translation.override("zh-hans"):
        assert translation.gettext("工作台") == "工作台"
        assert str(Status.DRAFT.label) == "草稿"


# --- (5) Smoke check: what each demo account sees first, in English --------------------------------------------------

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def classes(self) -> set:
        return set((self.attrs.get("class") or "").split())

    def text(self, skip=lambda element: False) -> str:
        parts = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif not skip(child):
                parts.append(child.text(skip))
        return " ".join(" ".join(parts).split())

    def find_all(self, match) -> list:
        found = []
        for child in self.children:
            if isinstance(child, Element):
                if match(child):
                    found.append(child)
                found.extend(child.find_all(match))
        return found


def parse_html(html: str) -> Element:
    """A small tree of the page, enough to pick elements by tag, class and data-testid (standard library only)."""
    from html.parser import HTMLParser

    root = Element("#document", {})

    class Builder(HTMLParser):
        current = root

        def handle_starttag(self, tag, attrs):
            element = Element(tag, dict(attrs), self.current)
            self.current.children.append(element)
            if tag not in VOID_ELEMENTS:
                self.current = element

        def handle_endtag(self, tag):
            node = self.current
            while node is not root and node.tag != tag:
                node = node.parent
            if node is not root:
                self.current = node.parent

        def handle_data(self, data):
            if self.current.tag not in ("script", "style"):
                self.current.children.append(data)

    Builder().feed(html)
    return root


def _is_testid(*names):
    return lambda element: element.attrs.get("data-testid") in names


def _proper_names(user) -> list[str]:
    """Names from the demo data that are Chinese in every language: the person, their organisation, their authority."""
    names = [str(user)]
    if user.organisation_id:
        names.append(user.organisation.name)
    if user.authority_id:
        names.append(user.authority.authority_zh)
    return sorted(names, key=len, reverse=True)


def assert_english(what: str, text: str, user):
    for name in _proper_names(user):
        text = text.replace(name, "")
    leftover = CJK.findall(text)
    assert not leftover, f"{user.username}: Chinese left in {what}: {''.join(leftover)!r} in {text!r}"


def check_page(client, user, url: str) -> Element:
    response = client.get(url)
    assert response.status_code == 200, (user.username, url, response.status_code)
    page = parse_html(response.content.decode())
    assert page.find_all(lambda e: e.tag == "html")[0].attrs.get("lang") == "en", (user.username, url)
    (title,) = page.find_all(lambda e: e.tag == "title")
    assert_english(f"the title of {url}", title.text(), user)
    (navbar,) = page.find_all(lambda e: e.tag == "nav" and "navbar" in e.classes())
    # The user's own name is data, and the button that switches back to Chinese says so in Chinese.
    navigation = navbar.text(skip=_is_testid("user-menu", "language-zh-hans"))
    assert_english(f"the navigation of {url}", navigation, user)
    (user_menu,) = navbar.find_all(_is_testid("user-menu"))
    with translation.override("en"):
        assert str(user.get_role_display()) in user_menu.text(), (user.username, user_menu.text())
    headings = page.find_all(lambda e: e.tag in ("h1", "h2", "h3", "h4", "h5", "h6"))
    assert headings, f"no heading on {url}"
    for heading in headings:
        assert_english(f"a heading of {url}", heading.text(), user)
    for header in page.find_all(lambda e: e.tag in ("th", "label", "legend")):
        assert_english(f"a table header or label of {url}", header.text(), user)
    for badge in page.find_all(lambda e: e.tag == "span" and "badge" in e.classes()):
        assert_english(f"a status badge of {url}", badge.text(), user)
    for tabs in page.find_all(lambda e: e.tag == "ul" and "nav-pills" in e.classes()):
        assert_english(f"the status tabs of {url}", tabs.text(), user)
    return page


@pytest.mark.django_db
def test_each_demo_account_sees_english_navigation_and_headings(client, demo_users):
    # Filings in Jiangning waiting for the district and for the city, so that the lists and both queues have rows,
    # status badges and tabs.
    submitted_filing(lead_user=demo_users["lead-a"])
    recommended = submitted_filing(lead_user=demo_users["lead-a"], name="南京市示范智能传感创新联合体", seed=5000)
    review_filing(
        consortium_id=recommended.pk,
        actor=demo_users["jiangning"],
        decision="recommend",
        expected_status=Status.DISTRICT_REVIEW,
    )
    assert set(demo_users) >= {"admin", "city", "jiangning", "xuanwu", "lead-a", "lead-b"}
    for username, user in demo_users.items():
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        home = check_page(client, user, reverse("home"))
        (heading,) = home.find_all(_is_testid("home-heading"))
        assert heading.text() == "Workbench"
        if user.is_lead_unit:
            filings = check_page(client, user, reverse("consortia:list"))
            assert filings.find_all(lambda e: e.tag == "h1")[0].text() == "Innovation consortium filings"
        else:  # reviewers list every filing they see on the portfolio list
            assert client.get(reverse("consortia:list")).url == reverse("monitoring:portfolio")
        if username in ("city", "jiangning"):
            queue = check_page(client, user, reverse("reviews:queue"))
            (title,) = queue.find_all(lambda e: e.tag == "h1")
            expected = "City review queue" if username == "city" else "Pre-screening queue"
            assert title.text().endswith(expected), title.text()
            (row,) = queue.find_all(lambda e: e.tag == "span" and "text-bg-secondary" in e.classes())
            assert row.text() == ("Under city review" if username == "city" else "In district pre-screening")
        client.logout()


def test_the_forms_keep_djangos_chinese_wording_beside_the_api_framework():
    """Django REST framework's catalogue (installed for the API) translates some of Django's own form messages its
    own way, and an app's catalogue wins over Django's: locale/zh_Hans puts Django's wording back for every one of
    them, so the portal's forms read as before (这个字段是必填项。)."""
    import django.conf
    import rest_framework

    def catalogue(package) -> dict:
        with open(Path(package.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.mo", "rb") as mo:
            return gettext.GNUTranslations(mo)._catalog

    ours, drf = catalogue(django.conf), catalogue(rest_framework)
    differing = {key for key in drf if isinstance(key, str) and key and key in ours and drf[key] != ours[key]}
    assert "This field is required." in differing
    with translation.override("zh-hans"):
        assert {msgid: translation.gettext(msgid) for msgid in differing} == {msgid: ours[msgid] for msgid in differing}
