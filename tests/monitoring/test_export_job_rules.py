"""The export job's rules stated exactly (issue 14 item 3): what its user is told when the file is written or when
writing it failed, where a job picks up when delivered again, which jobs there is nothing to do for, and the purge's
cutoff and refusal."""

import io
import logging
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from consortia.models import Membership
from monitoring import exports, jobs
from monitoring.audit import EXPORT_ACTION
from monitoring.models import ExportJob, Format, Sheet
from monitoring.services import queue_export
from portal.exceptions import DomainError
from portal.models import AuditEvent, Notification

from .factories import finished_job

pytestmark = pytest.mark.django_db


def told(user) -> list[tuple[str, str, str]]:
    return list(Notification.objects.filter(recipient=user).values_list("subject", "body", "link"))


def job_url(job) -> str:
    return reverse("monitoring:export_job", kwargs={"pk": job.pk})


@pytest.mark.parametrize(
    ("sheet", "label", "file_format"),
    [(Sheet.CONSORTIA, "联合体清单", Format.CSV), (Sheet.MEMBERS, "参与单位", Format.XLSX)],
)
def test_a_written_export_tells_its_user_what_it_holds_and_for_how_long(
    portfolio, demo_users, sheet, label, file_format
):
    city = demo_users["city"]
    listed = [portfolio.silicon, portfolio.equipment, portfolio.medicine, portfolio.materials]
    # Every membership of the listed consortia: none left before its consortium was filed.
    rows = len(listed) if sheet == Sheet.CONSORTIA else Membership.objects.filter(consortium__in=listed).count()
    job = queue_export(user=city, filters="", sheet=sheet, format=file_format, rows=rows)
    assert jobs.run_export_job(job_id=job.pk) == job
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == ("done", rows, rows)
    with job.file.open("rb") as stream:
        content = stream.read()
    if file_format == Format.CSV:  # the whole file, from its byte-order mark
        assert content.startswith("\ufeff备案编号,联合体名称,".encode()) and content.count(b"\r\n") == rows + 1
    else:
        workbook = load_workbook(io.BytesIO(content))
        assert workbook.sheetnames == [label] and workbook[label].max_row == rows + 1
    assert told(city) == [
        (f"导出文件已生成：{label}", f"您申请导出的{label}（共 {rows} 行）已生成，请在 7 天内下载。", job_url(job))
    ]


def test_an_export_that_fails_while_writing_says_to_try_again_and_keeps_no_file(
    portfolio, demo_users, monkeypatch, caplog
):
    city = demo_users["city"]
    job = queue_export(user=city, filters="status=active", sheet=Sheet.MEMBERS, format=Format.CSV, rows=3)

    def broken(**_arguments):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write", broken)
    with caplog.at_level(logging.ERROR, logger="monitoring.jobs"):
        assert jobs.run_export_job(job_id=job.pk) is None
    job.refresh_from_db()
    assert (job.status, bool(job.file)) == ("failed", False)
    assert job.finished_at is not None and timezone.now() - job.finished_at < timedelta(minutes=1)
    assert told(city) == [("导出失败：参与单位", "生成文件时出错，请稍后重新导出。", job_url(job))]
    assert caplog.messages == [f"Export job {job.pk} failed"]
    assert not AuditEvent.objects.filter(changes__action=EXPORT_ACTION).exists()


def test_a_job_of_a_user_no_longer_a_reader_fails_with_that_reason_in_the_subject_sheet(portfolio, demo_users):
    officer = demo_users["xuanwu"]
    job = queue_export(user=officer, filters="", sheet=Sheet.REPORTS, format=Format.CSV, rows=2)
    officer.role = "lead_unit"
    officer.organisation = demo_users["lead-b"].organisation
    officer.save()
    assert jobs.run_export_job(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at is not None
    assert told(officer) == [("导出失败：年度报告", "您已无权导出联合体清单。", job_url(job))]


def test_a_job_delivered_again_while_running_starts_again_from_the_first_row(demo_users):
    job = ExportJob.objects.create(
        requested_by=demo_users["city"], sheet="consortia", format="csv", status="running", rows_done=300
    )
    started = jobs._start(job.pk)
    assert (started.pk, started.status, started.rows_done, started.requested_by) == (
        job.pk,
        "running",
        0,
        demo_users["city"],
    )
    assert ExportJob.objects.filter(pk=job.pk).values_list("status", "rows_done").get() == ("running", 0)


def test_a_queued_job_is_marked_running_when_started(demo_users):
    job = queue_export(user=demo_users["city"], filters="", sheet=Sheet.CONSORTIA, format=Format.CSV, rows=1)
    jobs._start(job.pk)
    assert ExportJob.objects.filter(pk=job.pk).values_list("status", "rows_done").get() == ("running", 0)


@pytest.mark.parametrize("status", ["done", "failed", "expired"])
def test_there_is_nothing_to_do_for_a_finished_job(demo_users, status):
    job = finished_job(demo_users["city"])
    ExportJob.objects.filter(pk=job.pk).update(status=status, rows_done=7)
    other = queue_export(user=demo_users["city"], filters="", sheet=Sheet.CONSORTIA, format=Format.CSV, rows=1)
    assert jobs._start(job.pk) is None
    assert jobs.run_export_job(job_id=job.pk) is None
    assert ExportJob.objects.filter(pk=job.pk).values_list("status", "rows_done").get() == (status, 7)
    assert ExportJob.objects.get(pk=other.pk).status == "queued"  # another job is left alone
    assert told(demo_users["city"]) == []


def test_the_rows_total_is_counted_before_writing(portfolio, demo_users, monkeypatch):
    """While the file is written the job's page shows the rows of the list out of its total, read from the list now
    (the count at the request may be old)."""
    city = demo_users["city"]
    job = queue_export(user=city, filters="status=active", sheet=Sheet.CONSORTIA, format=Format.CSV, rows=99)
    seen = []
    write = exports.write

    def watching(**arguments):
        seen.append(ExportJob.objects.filter(pk=job.pk).values_list("status", "rows_total").get())
        return write(**arguments)

    monkeypatch.setattr(exports, "write", watching)
    jobs.run_export_job(job_id=job.pk)
    assert seen == [("running", 2)]


def test_the_progress_of_a_job_is_its_rows_written(demo_users):
    job = queue_export(user=demo_users["city"], filters="", sheet=Sheet.CONSORTIA, format=Format.CSV, rows=1000)
    other = queue_export(user=demo_users["city"], filters="", sheet=Sheet.CONSORTIA, format=Format.CSV, rows=10)
    jobs._progress(job, 500)
    assert ExportJob.objects.get(pk=job.pk).rows_done == 500
    assert ExportJob.objects.get(pk=other.pk).rows_done == 0


# --- The purge ---------------------------------------------------------------------------------------------------


def test_the_purge_cutoff_is_the_start_of_the_day_in_shanghai():
    cutoff = jobs.purge_cutoff(today=date(2026, 3, 9))
    assert cutoff == datetime(2026, 3, 9, tzinfo=timezone.get_default_timezone())
    assert cutoff.isoformat() == "2026-03-09T00:00:00+08:00"


def test_a_purge_dated_after_today_is_refused_with_the_date(demo_users):
    job = finished_job(demo_users["city"], expires_at=timezone.now() - timedelta(days=1))
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        jobs.purge_expired_exports(today=tomorrow)
    assert refused.value.message == (
        f"日期 {tomorrow.isoformat()} 晚于今天：按该日期清理会删除尚在保留期内的导出文件。"
    )
    assert ExportJob.objects.get(pk=job.pk).status == "done"


def test_the_purge_of_today_counts_the_jobs_it_expired_and_keeps_the_younger(
    demo_users, django_capture_on_commit_callbacks
):
    city = demo_users["city"]
    start = jobs.purge_cutoff(today=timezone.localdate())
    old = finished_job(city, expires_at=start - timedelta(days=2))
    failed = ExportJob.objects.create(
        requested_by=city, sheet="members", format="xlsx", status="failed", expires_at=start - timedelta(hours=1)
    )
    young = finished_job(city, expires_at=start + timedelta(hours=1))
    name = old.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.purge_expired_exports(today=timezone.localdate()) == 2
    rows = dict(ExportJob.objects.values_list("pk", "status"))
    assert rows == {old.pk: "expired", failed.pk: "expired", young.pk: "done"}
    assert not old.file.storage.exists(name) and young.file.storage.exists(young.file.name)
    assert ExportJob.objects.get(pk=old.pk).file.name == ""


def test_a_file_written_for_a_job_that_then_fails_leaves_storage_again(portfolio, demo_users, monkeypatch, media):
    """The file is saved inside the transaction that marks the job done; when telling its user fails there, the
    transaction rolls back and the file it wrote is removed: no file is left that no job names."""
    city = demo_users["city"]
    job = queue_export(user=city, filters="", sheet=Sheet.CONSORTIA, format=Format.CSV, rows=4)
    notify = jobs.notify

    def fails_when_done(**arguments):
        if arguments["subject"].startswith("导出文件已生成"):
            raise RuntimeError("mail outbox unavailable")
        return notify(**arguments)

    monkeypatch.setattr(jobs, "notify", fails_when_done)
    assert jobs.run_export_job(job_id=job.pk) is None
    job.refresh_from_db()
    assert (job.status, job.file.name) == ("failed", "")
    assert not (media / "exports").exists() or list((media / "exports").iterdir()) == []
    assert told(city) == [("导出失败：联合体清单", "生成文件时出错，请稍后重新导出。", job_url(job))]
    assert not AuditEvent.objects.filter(changes__action=EXPORT_ACTION).exists()
