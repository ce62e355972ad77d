"""The export jobs as Celery runs them. Thin: each calls its job (``jobs``); the management command
``purge_exports`` runs the purge by hand."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import jobs


@shared_task(name="monitoring.tasks.run_export_job", ignore_result=True)
def run_export_job(job_id: int) -> int:
    """Write the file of export job ``job_id``; the rows written (0 when there was nothing to do or it failed)."""
    job = jobs.run_export_job(job_id=job_id)
    return job.rows_done if job else 0


@shared_task(name="monitoring.tasks.purge_exports", ignore_result=True)
def purge_exports(on: str | None = None) -> int:
    """Delete the export files past their seven days as of ``on`` (ISO date; default today)."""
    return jobs.purge_expired_exports(today=date.fromisoformat(on) if on else timezone.localdate())
