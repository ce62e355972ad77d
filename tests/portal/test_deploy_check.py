"""`manage.py check --deploy` with production variables reports nothing (a fresh process: settings are read once)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "production-like-secret-key-for-the-test-5x9Qz",
    "ALLOWED_HOSTS": "portal.example.gov.cn",
    "DATABASE_URL": "postgres://portal:portal@db:5432/portal",
    "REDIS_URL": "redis://redis:6379/0",
}


def run_check(env_overrides, tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION_ENV}
    env.update(env_overrides, VAR_DIR=str(tmp_path))
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_warnings(tmp_path):
    result = run_check(PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    # The one silenced check is axes.W006, with its reason in settings.
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    env = dict(PRODUCTION_ENV)
    del env["SECRET_KEY"]
    result = run_check(env, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_development_defaults_would_warn(tmp_path):
    """The production hardening is what makes the check pass: with DEBUG on it does not."""
    result = run_check({"DEBUG": "1"}, tmp_path)
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout


def test_production_that_lets_city_staff_in_without_a_second_factor_is_warned(tmp_path):
    result = run_check({**PRODUCTION_ENV, "TWO_FACTOR_REQUIRED_ROLES": "admin"}, tmp_path)
    assert result.returncode != 0
    assert "portal.W002" in result.stderr + result.stdout and "city_staff" in result.stderr + result.stdout
