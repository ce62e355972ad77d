"""The export jobs the Celery worker runs (``tasks``): writing a large export in chunks with its progress, and the
daily purge of the files past their seven days. The request that asks for a large export is ``services``'."""

import logging
import tempfile
from datetime import date, datetime, time

from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consortia.storage import files_in_step
from portal.exceptions import DomainError
from portal.services import notify

from . import exports
from .audit import audit_export
from .filters import PortfolioFilter
from .models import ExportJob, Sheet
from .permissions import reads_portfolio
from .selectors import portfolio

logger = logging.getLogger(__name__)


def listed_consortia(job: ExportJob):
    """The list the job's user asked for, read again now from its query string and scoped to that user."""
    user = job.requested_by
    return PortfolioFilter(QueryDict(job.filters), queryset=portfolio(user), user=user).qs


def _progress(job: ExportJob, rows: int) -> None:
    ExportJob.objects.filter(pk=job.pk).update(rows_done=rows)


def _start(job_id: int) -> ExportJob | None:
    """The job, marked running; None when there is nothing (more) to do: a redelivered task, a job done or purged."""
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update()
            .select_related("requested_by")
            .filter(pk=job_id, status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING])
            .first()
        )
        if job is None:
            return None
        # Running already: the worker that had it died (acks late); start again from the first row.
        job.status, job.rows_done = ExportJob.Status.RUNNING, 0
        job.save(update_fields=["status", "rows_done"])
    return job


def run_export_job(*, job_id: int) -> ExportJob | None:
    """Write the job's file into private storage, then tell its user it is ready (or that it failed)."""
    job = _start(job_id)
    if job is None:
        return None
    link = reverse("monitoring:export_job", kwargs={"pk": job.pk})
    try:
        if not reads_portfolio(job.requested_by):
            raise DomainError(_("您已无权导出联合体清单。"))
        consortia = listed_consortia(job)
        ExportJob.objects.filter(pk=job.pk).update(rows_total=exports.count_rows(job.sheet, consortia))
        with tempfile.TemporaryFile() as stream:
            rows = exports.write(
                sheet=job.sheet,
                format=job.format,
                rows=exports.sheet_rows(job.sheet, consortia),
                stream=stream,
                progress=lambda done: _progress(job, done),
            )
            stream.seek(0)
            with files_in_step() as files, transaction.atomic():
                job.file.save("export", File(stream), save=False)  # named by ``export_path``
                files.written(job.file)
                job.status, job.rows_done, job.rows_total = ExportJob.Status.DONE, rows, rows
                job.finished_at = timezone.now()
                job.save(update_fields=["file", "status", "rows_done", "rows_total", "finished_at"])
                audit_export(
                    user=job.requested_by, filters=job.filters, sheet=job.sheet, format=job.format, rows=rows, job=job
                )
                notify(
                    recipients=[job.requested_by],
                    subject=_("导出文件已生成：%(sheet)s") % {"sheet": Sheet(job.sheet).label},
                    body=_("您申请导出的%(sheet)s（共 %(rows)d 行）已生成，请在 7 天内下载。")
                    % {"sheet": Sheet(job.sheet).label, "rows": rows},
                    link=link,
                )
    except Exception as error:
        logger.exception("Export job %s failed", job.pk)
        reason = error.message if isinstance(error, DomainError) else _("生成文件时出错，请稍后重新导出。")
        with transaction.atomic():
            ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, finished_at=timezone.now())
            notify(
                recipients=[job.requested_by],
                subject=_("导出失败：%(sheet)s") % {"sheet": Sheet(job.sheet).label},
                body=reason,
                link=link,
            )
        return None
    return job


def purge_cutoff(*, today: date) -> datetime:
    """The start of ``today`` in Asia/Shanghai: a file whose seven days ended before it goes."""
    return datetime.combine(today, time.min, tzinfo=timezone.get_default_timezone())


def purge_expired_exports(*, today: date) -> int:
    """Delete the files of the export jobs whose seven days ended before ``today`` began and mark the jobs expired:
    one UPDATE for the set, the files removed from storage once it has committed. Safe to run twice (the second run
    finds nothing); a day after today is refused, as it would delete files their user may still download."""
    if today > timezone.localdate():
        raise DomainError(
            _("日期 %(date)s 晚于今天：按该日期清理会删除尚在保留期内的导出文件。") % {"date": today.isoformat()}
        )
    expired = ExportJob.objects.filter(expires_at__lt=purge_cutoff(today=today)).exclude(
        status=ExportJob.Status.EXPIRED
    )
    storage = ExportJob._meta.get_field("file").storage
    with transaction.atomic():
        names = [name for name in expired.select_for_update().values_list("file", flat=True) if name]
        count = expired.update(status=ExportJob.Status.EXPIRED, file="")

        def remove_files():
            for name in names:
                storage.delete(name)

        transaction.on_commit(remove_files)
    return count
