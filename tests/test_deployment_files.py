"""The files a bureau deploys with stay in step with the settings: every variable the settings read is documented in
the README's table and reaches the containers (the compose file passes .env whole), and the image never carries the
secrets or the developer's data."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ = re.compile(r'env(?:\.[a-z]+)?\("(?P<name>[A-Z_]+)"')


def settings_variables() -> set[str]:
    return set(READ.findall((ROOT / "portal" / "settings.py").read_text(encoding="utf-8")))


def test_the_pattern_finds_the_variables_the_settings_read():
    found = settings_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "EXPIRY_REMINDER_DAYS", "LOGIN_ADDRESS_FAILURE_LIMIT"} <= found
    assert len(found) >= 30


def test_every_variable_the_settings_read_is_in_the_readme_table():
    table = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if line.startswith("| `")]
    documented = {name for line in table for name in re.findall(r"`([A-Z_]+)`", line.split("|")[1])}
    assert sorted(settings_variables() - documented) == []


def test_the_containers_get_every_setting_of_the_env_file():
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    anchor = compose[compose.index("x-portal:") : compose.index("services:")]
    assert re.search(r"^  env_file: \.env$", anchor, re.M)


def test_the_image_leaves_out_secrets_and_local_data():
    ignored = {
        line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines() if line.strip()
    }
    assert {".env", ".git", ".venv", "var", "test-results"} <= ignored
