"""Large exports as Celery jobs (issue 14 item 3): over ``EXPORT_ASYNC_THRESHOLD`` rows the request queues a job and
sends the user to its page; the worker writes the file in chunks with its progress, tells the user, and only that
user sees the job or downloads the file; the files go after seven days (``purge_exports``)."""

import csv
import io
import time
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from monitoring import exports, jobs, tasks
from monitoring.audit import EXPORT_ACTION
from monitoring.models import ExportJob, Format, Sheet
from monitoring.services import queue_export
from portal.celery import app
from portal.models import AuditEvent, Notification, Role
from tests.lifecycle import factories

from .factories import finished_job

URL = reverse("monitoring:portfolio")


def job_url(job, name="monitoring:export_job"):
    return reverse(name, kwargs={"pk": job.pk})


def csv_names(content: bytes) -> list[str]:
    return [row[1] for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))][1:]


def on_screen(client, params) -> list[str]:
    return [row.name for row in client.get(URL, params).context["page"].object_list]


def exported(job) -> bytes:
    with job.file.open("rb") as stream:
        return stream.read()


# --- The request over the threshold ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_export_over_the_threshold_queues_a_job_and_opens_its_page(
    portfolio, demo_users, login, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_ASYNC_THRESHOLD = 2
    client = login(demo_users["city"])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.get(URL, {"status": ["active", "expired"], "export": "xlsx", "sheet": "consortia", "page": 2})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == job_url(job)
    assert (job.requested_by, job.sheet, job.format, job.status) == (demo_users["city"], "consortia", "xlsx", "queued")
    assert job.filters == "status=active&status=expired"  # what picks the rows, not what asked for a file or a page
    assert job.rows_total == 3 and not job.file
    assert abs(job.expires_at - job.created_at - timedelta(days=7)) < timedelta(seconds=1)
    assert len(callbacks) == 1  # the task is published once the job is committed
    assert not AuditEvent.objects.filter(changes__action=EXPORT_ACTION).exists()  # audited when written

    # At the threshold, the file comes at once.
    settings.EXPORT_ASYNC_THRESHOLD = 3
    response = client.get(URL, {"status": ["active", "expired"], "export": "csv"})
    assert response.status_code == 200 and ExportJob.objects.count() == 1


@pytest.mark.django_db
def test_a_job_writes_the_rows_of_the_list_in_chunks_and_tells_its_user(portfolio, demo_users, login, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 2)  # four consortia: two chunks, and progress told twice
    progress = []
    update = jobs._progress
    monkeypatch.setattr(jobs, "_progress", lambda job, rows: (progress.append(rows), update(job, rows)))
    city = demo_users["city"]
    params = {"ordering": "-name"}
    job = queue_export(user=city, filters="ordering=-name", sheet=Sheet.CONSORTIA, format=Format.CSV, rows=4)

    assert jobs.run_export_job(job_id=job.pk).pk == job.pk
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == ("done", 4, 4)
    assert job.finished_at is not None and job.file.name.startswith("exports/") and job.file.name.endswith(".csv")
    assert progress == [2, 4]
    assert csv_names(exported(job)) == on_screen(login(city), params)
    (event,) = AuditEvent.objects.filter(changes__action=EXPORT_ACTION)
    assert (event.actor, event.object_type, event.object_id) == (city, "monitoring.exportjob", str(job.pk))
    assert event.changes == {
        "action": EXPORT_ACTION,
        "filters": "ordering=-name",
        "sheet": "consortia",
        "format": "csv",
        "rows": 4,
    }
    (notification,) = Notification.objects.filter(recipient=city)
    assert notification.link == job_url(job) and "已生成" in notification.subject

    # Delivered again (the worker died before acknowledging it): nothing more is written, audited or sent.
    name = job.file.name
    assert tasks.run_export_job.run(job.pk) == 0
    job.refresh_from_db()
    assert job.file.name == name and AuditEvent.objects.filter(changes__action=EXPORT_ACTION).count() == 1
    assert Notification.objects.filter(recipient=city).count() == 1


@pytest.mark.django_db
def test_a_job_reads_the_list_again_scoped_to_its_user(portfolio, demo_users):
    officer = demo_users["jiangning"]
    job = queue_export(user=officer, filters="authority=320102", sheet=Sheet.CONSORTIA, format=Format.XLSX, rows=2)
    jobs.run_export_job(job_id=job.pk)
    job.refresh_from_db()
    sheet = load_workbook(io.BytesIO(exported(job))).active
    names = {row[1].value for row in sheet.iter_rows(min_row=2)}
    assert names == portfolio.names(portfolio.silicon, portfolio.medicine)


@pytest.mark.django_db
def test_a_job_of_a_user_who_may_no_longer_export_fails_and_says_so(portfolio, demo_users):
    officer = demo_users["xuanwu"]
    job = queue_export(user=officer, filters="", sheet=Sheet.CONSORTIA, format=Format.CSV, rows=2)
    officer.role, officer.organisation = Role.LEAD_UNIT, demo_users["lead-b"].organisation
    officer.save()
    assert jobs.run_export_job(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.status == "failed" and not job.file
    (notification,) = Notification.objects.filter(recipient=officer)
    assert notification.body == "您已无权导出联合体清单。"
    assert not AuditEvent.objects.filter(changes__action=EXPORT_ACTION).exists()


# --- The job's page and its file ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_job_page_refreshes_while_running_and_offers_the_file_when_done(demo_users, login):
    city = login(demo_users["city"])
    job = ExportJob.objects.create(
        requested_by=demo_users["city"],
        sheet="members",
        format="xlsx",
        status="running",
        rows_done=500,
        rows_total=2000,
    )
    page = city.get(job_url(job)).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "已写入 500 / 2000 行" in page and 'aria-valuenow="25"' in page
    assert 'data-testid="download"' not in page and "<script>" not in page
    assert city.get(job_url(job, "monitoring:export_download")).status_code == 404

    done = finished_job(demo_users["city"])
    page = city.get(job_url(done)).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert f'href="{job_url(done, "monitoring:export_download")}"' in page
    response = city.get(job_url(done, "monitoring:export_download"))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(response.streaming_content) == exported(done)


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["admin", "jiangning", "lead-a"])
def test_another_users_job_and_file_are_not_found(demo_users, login, username):
    job = finished_job(demo_users["city"])
    client = login(demo_users[username])
    assert client.get(job_url(job)).status_code == 404
    assert client.get(job_url(job, "monitoring:export_download")).status_code == 404
    assert Client().get(job_url(job)).status_code == 302  # signed out: to the login page


@pytest.mark.django_db
def test_a_failed_or_expired_job_has_no_file_to_download(demo_users, login):
    city = login(demo_users["city"])
    failed = ExportJob.objects.create(requested_by=demo_users["city"], sheet="consortia", format="csv", status="failed")
    assert "文件未能生成" in city.get(job_url(failed)).content.decode()
    past = finished_job(demo_users["city"], expires_at=timezone.now() - timedelta(minutes=1))  # not purged yet
    assert "已超过 7 天保留期限" in city.get(job_url(past)).content.decode()
    assert city.get(job_url(past, "monitoring:export_download")).status_code == 404


# --- The purge ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_purge_deletes_the_files_past_their_seven_days_once(demo_users, django_capture_on_commit_callbacks):
    city = demo_users["city"]
    today = timezone.localdate()
    start_of_today = jobs.purge_cutoff(today=today)
    expired = [finished_job(city, expires_at=start_of_today - timedelta(seconds=s)) for s in (1, 86400 * 3)]
    kept = finished_job(city, expires_at=start_of_today)  # its seven days end as today begins: tomorrow's run
    queued_long_ago = ExportJob.objects.create(
        requested_by=city, sheet="consortia", format="csv", expires_at=start_of_today - timedelta(days=1)
    )
    names = [job.file.name for job in expired]

    with django_capture_on_commit_callbacks(execute=True):  # the files go once the UPDATE has committed
        call_command("purge_exports", stdout=io.StringIO())

    assert [default_storage.exists(name) for name in names] == [False, False]
    assert set(ExportJob.objects.filter(status="expired").values_list("pk", flat=True)) == {
        *(job.pk for job in expired),
        queued_long_ago.pk,
    }
    assert set(ExportJob.objects.filter(status="expired").values_list("file", flat=True)) == {""}
    kept.refresh_from_db()
    assert kept.status == "done" and default_storage.exists(kept.file.name)
    # Again: nothing more to do. A day given acts as of that day; a day after today is refused.
    assert jobs.purge_expired_exports(today=today) == 0
    assert jobs.purge_expired_exports(today=today - timedelta(days=30)) == 0
    with pytest.raises(CommandError, match="晚于今天"):
        call_command("purge_exports", "--date", (today + timedelta(days=1)).isoformat())
    assert kept.file.storage.exists(kept.file.name)
    out = io.StringIO()
    call_command("purge_exports", "--date", today.isoformat(), stdout=out)
    assert "已清理 0 个" in out.getvalue()


def test_the_purge_runs_daily_in_shanghai_time():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-exports"]
    assert entry["task"] == "monitoring.tasks.purge_exports" and entry["task"] in app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {0})
    assert "monitoring.tasks.run_export_job" in app.tasks
    assert settings.EXPORT_ASYNC_THRESHOLD == 2000


# --- On a real worker (filesystem broker on SQLite runs, Redis with REDIS_URL) ----------------------------------


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OperationalError:  # the test database on SQLite is shared in memory: locked while the worker writes
            pass
        time.sleep(0.1)
    return False


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_an_export_over_the_threshold_runs_on_a_worker_and_only_its_user_downloads_it(
    demo_users, celery_worker, settings
):
    settings.EXPORT_ASYNC_THRESHOLD = 5
    lead = demo_users["lead-a"]
    for number in range(12):
        factories.active_consortium(lead=lead, end_date=date(2027, 1, 1) + timedelta(days=number))
    city = Client()
    city.force_login(demo_users["city"])
    params = {"ordering": "-end_date"}

    response = city.get(URL, {**params, "export": "csv"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == job_url(job)
    assert wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == "done")
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total) == (12, 12)

    page = city.get(job_url(job)).content.decode()
    assert 'http-equiv="refresh"' not in page and 'data-testid="download"' in page
    download = city.get(job_url(job, "monitoring:export_download"))
    assert download.status_code == 200
    assert csv_names(b"".join(download.streaming_content)) == on_screen(city, params)
    assert wait_for(lambda: Notification.objects.filter(recipient=demo_users["city"], link=job_url(job)).exists())
    assert AuditEvent.objects.get(changes__action=EXPORT_ACTION).changes["rows"] == 12
    for username in ("admin", "jiangning", "lead-a"):
        other = Client()
        other.force_login(demo_users[username])
        assert other.get(job_url(job)).status_code == 404
        assert other.get(job_url(job, "monitoring:export_download")).status_code == 404
    assert app.conf.broker_url.startswith("redis://" if settings.REDIS_URL else "filesystem://")
