"""Browser test harness: Debian's Chromium driven by Playwright against pytest-django's ``live_server``.

Every test in this folder is marked ``e2e``. Where ``/usr/bin/chromium`` is missing the tests are skipped with a
reason (shown by ``pytest -rs``), except in CI (``CI`` set), where browser tests are required and a missing
Chromium is an error.

Once Playwright has started, its event loop counts as running in the test thread for the rest of the session, and
Django then refuses ORM calls there unless ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set. So the browser tests run last, and
the variable is set only from the first of them on: set for the whole session it would leak into the environment of
subprocesses other tests start (``manage.py check --deploy`` reports it as async.E001).
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps trying to reach hosts this machine cannot reach.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Chromium's own widgets (file inputs, date pickers) in Chinese, as a bureau's browser shows them.
    "--lang=zh-CN",
]
HERE = Path(__file__).resolve().parent
# In the console message Chromium logs for each thing the policy refuses.
CSP_VIOLATION = "Content Security Policy"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install -y chromium)"
    if in_ci():
        pytest.fail(f"{reason}; CI is set, so browser tests are required and may not be skipped", pytrace=False)
    pytest.skip(reason)


def is_browser_test(item: pytest.Item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Mark the tests of this folder ``e2e`` and run them after all others (this hook sees the whole session)."""
    for item in items:
        if is_browser_test(item):
            item.add_marker(pytest.mark.e2e)
    items.sort(key=is_browser_test)  # stable: each group keeps its order


@pytest.fixture(scope="session", autouse=True)
def _browser_session():
    """Set up before the session-scoped Playwright fixtures and torn down after them.

    A missing Chromium skips (or, in CI, fails) each test here with a clear reason. ``DJANGO_ALLOW_ASYNC_UNSAFE``
    lets the ORM run in the test thread (data fixtures, the live server's database flush) beside Playwright's loop.
    """
    require_chromium()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require_chromium()
    # Chromium lays out its date fields (年/月/日) by the language of its environment, with the Chinese locale of
    # Debian's chromium-l10n; --lang alone leaves them in the American order. LANG stays a locale the machine has
    # (C.UTF-8): an ungenerated zh_CN.UTF-8 would make file names ASCII, and a Chinese one would not upload.
    env = {**os.environ, "LANG": "C.UTF-8", "LANGUAGE": "zh_CN:zh"}
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS, "env": env}


@pytest.fixture(autouse=True)
def _live_server_settings(settings):
    """Settings the live server needs whatever the environment says.

    Static files come from the finders: a manifest storage (the default with DEBUG off) has no manifest in tests.
    The live server speaks plain HTTP, so the HTTPS-only hardening of DEBUG-off settings is switched off.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture
def csp_violations() -> list[str]:
    """What the Content-Security-Policy refused during the test, one line a refusal (filled by ``page``)."""
    return []


@pytest.fixture
def page(page, csp_violations):
    """Playwright's page, failing in seconds, and failing the test when a page logged a Content-Security-Policy
    violation (Chromium: "Refused to … because it violates the following Content Security Policy directive …").

    The policy blocks what it refuses without an error of the page's own, so a test could pass on a page whose
    confirmation or chart no longer runs; this makes every browser test a check of the policy too.
    """
    # Fail in seconds, not after Playwright's default 30 s, when something the test waits for never comes.
    page.set_default_timeout(10_000)

    def record(message):
        if CSP_VIOLATION in message.text:
            csp_violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    page.context.on("console", record)
    yield page
    if csp_violations:
        pytest.fail("the Content-Security-Policy refused something:\n" + "\n".join(csp_violations), pytrace=False)


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative URLs in ``page.goto`` resolve against the live server (replaces pytest-playwright's shim)."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The portal's users browse in Simplified Chinese; Playwright's default (en-US) would pick the English pages.
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
