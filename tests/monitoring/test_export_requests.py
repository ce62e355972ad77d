"""Asking for the list as a file (issue 14 item 3), stated exactly: the name the file downloads under, the message of
an export sent to the background and the job handed to the worker once committed, what the user sees when the broker
is down, and what an export written at once records."""

import io
import logging
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from monitoring import exports, services, tasks
from monitoring.audit import EXPORT_ACTION
from monitoring.models import ExportJob, Format, Sheet
from monitoring.selectors import portfolio as portfolio_of
from monitoring.views.exports import list_query, portfolio_url
from portal.models import AuditEvent

from .factories import finished_job

pytestmark = pytest.mark.django_db

URL = reverse("monitoring:portfolio")


def attachment(name: str) -> str:
    return f"attachment; filename*=utf-8''{quote(name)}"


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"export": "csv"}, "联合体清单-{today}.csv"),
        ({"export": "xlsx", "sheet": "members"}, "参与单位-{today}.xlsx"),
        ({"export": "csv", "sheet": "reports"}, "年度报告-{today}.csv"),
    ],
)
def test_an_export_downloads_under_what_it_holds_and_the_day_it_was_asked_for(
    portfolio, demo_users, login, params, name
):
    response = login(demo_users["city"]).get(URL, params)
    assert response.status_code == 200
    assert response["Content-Disposition"] == attachment(name.format(today=timezone.localdate().isoformat()))
    assert response["Content-Type"] == exports.CONTENT_TYPES[params["export"]]


def test_a_jobs_file_downloads_under_the_day_the_job_was_asked_for(demo_users, login):
    job = finished_job(demo_users["city"])
    asked = timezone.now() - timedelta(days=3)
    ExportJob.objects.filter(pk=job.pk).update(created_at=asked, sheet=Sheet.MEMBERS)
    response = login(demo_users["city"]).get(reverse("monitoring:export_download", kwargs={"pk": job.pk}))
    assert response["Content-Disposition"] == attachment(f"参与单位-{timezone.localdate(asked).isoformat()}.csv")


def test_the_file_name_is_in_the_portals_language_whoever_asks():
    from django.utils import translation

    with translation.override("en"):
        assert exports.filename(Sheet.REPORTS, Format.XLSX, on=date(2026, 4, 1)) == "年度报告-2026-04-01.xlsx"


def test_an_export_over_the_threshold_says_so_and_hands_the_job_to_the_worker_once_committed(
    portfolio, demo_users, login, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EXPORT_ASYNC_THRESHOLD = 2
    queued = []
    monkeypatch.setattr(tasks.run_export_job, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(demo_users["city"]).get(URL, {"export": "csv", "sheet": "members", "status": "active"})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("monitoring:export_job", kwargs={"pk": job.pk})
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        f"共 {job.rows_total} 行，文件将在后台生成，完成后会通知您。"
    ]
    assert (job.requested_by, job.filters, job.sheet, job.format, job.status) == (
        demo_users["city"],
        "status=active",
        "members",
        "csv",
        "queued",
    )
    # The count is that of the rows the file has, as the same list written at once shows.
    settings.EXPORT_ASYNC_THRESHOLD = 10_000
    at_once = login(demo_users["city"]).get(URL, {"export": "csv", "sheet": "members", "status": "active"})
    assert job.rows_total == b"".join(at_once.streaming_content).count(b"\r\n") - 1 > 2
    assert queued == [job.pk]


def test_a_job_the_broker_cannot_take_is_failed_at_once_and_says_so_in_the_log(
    demo_users, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broker_down(job_id):
        raise OSError("[Errno 111] Connection refused")

    monkeypatch.setattr(tasks.run_export_job, "delay", broker_down)
    with (
        caplog.at_level(logging.WARNING, logger="monitoring.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = services.queue_export(
            user=demo_users["city"], filters="q=x", sheet=Sheet.CONSORTIA, format=Format.CSV, rows=5000
        )
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.finished_at is not None and timezone.now() - job.finished_at < timedelta(minutes=1)
    assert caplog.messages == [f"Could not queue export job {job.pk}."]


def test_the_broker_failing_leaves_a_job_the_worker_took_already_alone(demo_users, monkeypatch):
    def broker_down(job_id):
        raise OSError("broker down")

    monkeypatch.setattr(tasks.run_export_job, "delay", broker_down)
    running = ExportJob.objects.create(
        requested_by=demo_users["city"], sheet="consortia", format="csv", status="running"
    )
    queued = ExportJob.objects.create(requested_by=demo_users["city"], sheet="consortia", format="csv")
    services._enqueue(running.pk)
    assert ExportJob.objects.get(pk=running.pk).status == "running"
    assert ExportJob.objects.get(pk=running.pk).finished_at is None
    assert ExportJob.objects.get(pk=queued.pk).status == "queued"  # another job is not touched


def test_an_export_written_at_once_is_the_file_from_its_first_byte_and_audited(portfolio, demo_users):
    city = demo_users["city"]
    request = RequestFactory().get(URL, REMOTE_ADDR="10.2.3.4")
    consortia = portfolio_of(city).filter(pk=portfolio.silicon.pk)
    stream = services.export_now(
        user=city, request=request, consortia=consortia, sheet=Sheet.CONSORTIA, format=Format.CSV, filters="q=x"
    )
    content = stream.read()
    assert content.startswith("\ufeff备案编号,".encode())
    assert content.decode("utf-8-sig").count("\r\n") == 2  # the header and the one row
    (event,) = AuditEvent.objects.filter(changes__action=EXPORT_ACTION)
    assert (event.actor, event.ip_address, event.object_id) == (city, "10.2.3.4", "")
    assert event.changes == {
        "action": EXPORT_ACTION,
        "filters": "q=x",
        "sheet": "consortia",
        "format": "csv",
        "rows": 1,
    }


def test_an_export_as_xlsx_is_a_workbook_of_the_rows(portfolio, demo_users):
    from openpyxl import load_workbook

    city = demo_users["city"]
    consortia = portfolio_of(city).filter(pk__in=[portfolio.silicon.pk, portfolio.equipment.pk])
    stream = services.export_now(user=city, consortia=consortia, sheet=Sheet.CONSORTIA, format=Format.XLSX, filters="")
    sheet = load_workbook(io.BytesIO(stream.read())).active
    assert sheet.title == "联合体清单"
    names = {row[1].value for row in sheet.iter_rows(min_row=2)}
    assert names == {portfolio.silicon.name, portfolio.equipment.name}
    assert AuditEvent.objects.get(changes__action=EXPORT_ACTION).changes["rows"] == 2


def test_the_lists_query_keeps_the_filters_and_drops_what_asks_for_a_file_or_a_page():
    query = RequestFactory().get(URL, {"status": ["active", "expired"], "export": "csv", "sheet": "x", "page": 3}).GET
    assert list_query(query) == "status=active&status=expired"
    assert query.getlist("page") == ["3"]  # the request's own query is left as it was
    assert list_query(RequestFactory().get(URL, {"page": 2}).GET) == ""
    assert portfolio_url("") == URL
    assert portfolio_url("q=1") == URL + "?q=1"


def test_a_jobs_file_gone_from_storage_is_not_found(demo_users, login):
    job = finished_job(demo_users["city"])
    job.file.storage.delete(job.file.name)
    response = login(demo_users["city"]).get(reverse("monitoring:export_download", kwargs={"pk": job.pk}))
    assert response.status_code == 404


def test_the_job_page_links_back_to_the_list_it_was_asked_from(demo_users, login):
    job = finished_job(demo_users["city"], filters="status=active&ordering=name")
    page = login(demo_users["city"]).get(reverse("monitoring:export_job", kwargs={"pk": job.pk})).content.decode()
    assert f'href="{URL}?status=active&amp;ordering=name"' in page
