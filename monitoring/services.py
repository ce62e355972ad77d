"""Exports of the portfolio list as the user asks for them: written at once when small, else queued as an
``ExportJob`` for the Celery worker (``jobs.run_export_job``). Either way audited with the rows written."""

import io
import logging

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from consortia.models import Consortium
from portal.models import User

from . import exports, tasks
from .audit import audit_export
from .models import ExportJob

logger = logging.getLogger(__name__)


def export_now(
    *, user: User, consortia: QuerySet[Consortium], sheet: str, format: str, filters: str, request=None
) -> io.BytesIO:
    """The file of ``sheet`` for ``consortia`` (the list as filtered and ordered), audited; rewound for reading."""
    stream = io.BytesIO()
    rows = exports.write(sheet=sheet, format=format, rows=exports.sheet_rows(sheet, consortia), stream=stream)
    audit_export(user=user, request=request, filters=filters, sheet=sheet, format=format, rows=rows)
    stream.seek(0)
    return stream


def _enqueue(job_id: int) -> None:
    try:
        tasks.run_export_job.delay(job_id)
    except Exception:  # the broker is unreachable: say so on the job's page rather than leave it queued for ever
        logger.warning("Could not queue export job %s.", job_id)
        ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
            status=ExportJob.Status.FAILED, finished_at=timezone.now()
        )


def queue_export(*, user: User, filters: str, sheet: str, format: str, rows: int) -> ExportJob:
    """An export job for the list of query string ``filters``, handed to the worker once it is committed."""
    with transaction.atomic():
        job = ExportJob.objects.create(requested_by=user, filters=filters, sheet=sheet, format=format, rows_total=rows)
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job
