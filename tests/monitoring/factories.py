"""Export jobs in a given state, straight through the ORM (the worker's part is ``tests/monitoring/test_jobs.py``'s)."""

from django.core.files.base import ContentFile

from monitoring.models import ExportJob, Format, Sheet

CSV_CONTENT = "\ufeff备案编号,联合体名称\r\n宁创联备〔2026〕001号,南京市测试创新联合体\r\n".encode()


def finished_job(user, *, content: bytes = CSV_CONTENT, **fields) -> ExportJob:
    """A job of ``user`` whose CSV file is written and ready to download."""
    job = ExportJob.objects.create(
        requested_by=user,
        sheet=Sheet.CONSORTIA,
        format=Format.CSV,
        status=ExportJob.Status.DONE,
        rows_done=1,
        rows_total=1,
        **fields,
    )
    job.file.save("export", ContentFile(content))
    return job
