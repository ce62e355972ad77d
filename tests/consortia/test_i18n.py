"""Rule messages come from the same catalogues as Django's gettext, in the language active when evaluating."""

from django.utils import translation

from consortia.eligibility.i18n import gettext, translating

# An entry of the portal's English catalogue (locale/en), used here only as a known translation.
KNOWN = ("年度报告", "Annual reports")


def test_messages_follow_the_active_language_inside_an_evaluation():
    with translation.override("en"), translating():
        assert gettext(KNOWN[0]) == KNOWN[1]
    with translation.override("zh-hans"), translating():
        assert gettext(KNOWN[0]) == KNOWN[0]
    with translation.override("en"), translating():  # the memo is per catalogue, not shared between languages
        assert gettext(KNOWN[0]) == KNOWN[1]


def test_outside_an_evaluation_it_is_djangos_gettext():
    with translation.override("en"):
        assert gettext(KNOWN[0]) == translation.gettext(KNOWN[0]) == KNOWN[1]
        assert gettext("不在目录中的消息。") == "不在目录中的消息。"


def test_leaving_an_evaluation_returns_to_the_language_active_at_the_time():
    with translation.override("en"):
        with translating():
            assert gettext(KNOWN[0]) == KNOWN[1]
        with translation.override("zh-hans"):
            assert gettext(KNOWN[0]) == KNOWN[0]


def test_an_evaluation_keeps_the_language_it_began_in():
    with translation.override("en"), translating(), translation.override("zh-hans"):
        assert gettext(KNOWN[0]) == KNOWN[1]


def test_without_translation_enabled_messages_are_the_chinese_source_text(settings):
    with translation.override("en"):
        assert translation.gettext(KNOWN[0]) == KNOWN[1]  # Django's catalogues are in use
        settings.USE_I18N = False
        with translating():  # an evaluation reads the setting afresh
            assert gettext(KNOWN[0]) == KNOWN[0]
