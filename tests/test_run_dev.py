"""`make run`'s last step, bin/run-dev: the portal, a Celery worker and beat start together on SQLite with no other
server, demo accounts can log in, and one Ctrl-C (SIGINT to the terminal's process group) stops all three."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from portal.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def dev_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(VAR_DIR=str(tmp_path / "var"), DEBUG="1", PYTHONUNBUFFERED="1")
    for command in (["migrate", "--noinput"], ["load_reference_data"], ["seed_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def login(base: str, username: str) -> str:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD})
    return opener.open(f"{base}/accounts/login/", data.encode(), timeout=10).read().decode()


def test_run_dev_serves_with_worker_and_beat_and_stops_on_ctrl_c(dev_env, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "run-dev.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            ["bin/run-dev"],
            cwd=ROOT,
            env=dict(dev_env, PORT=f"127.0.0.1:{port}"),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:

        def login_page_served():
            try:
                return "用户登录" in urllib.request.urlopen(f"{base}/accounts/login/", timeout=2).read().decode()
            except OSError:
                return False

        assert wait_until(login_page_served, 60), log_path.read_text()
        assert "您的角色是：市科技局" in login(base, "city")

        def output():
            return log_path.read_text()

        assert wait_until(lambda: " ready." in output() and "beat: Starting" in output(), 60), output()
    finally:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        process.wait(timeout=30)
    assert wait_until(lambda: not _group_alive(process.pid), 30), "a process of run-dev outlived Ctrl-C"


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
