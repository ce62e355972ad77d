"""An export of the portfolio list too large to write during the request: written by a Celery worker into private
storage, downloaded by the user who asked, kept seven days (``jobs.purge_expired_exports``)."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEPT_FOR = timedelta(days=7)


class Sheet(models.TextChoices):
    CONSORTIA = "consortia", _("联合体清单")
    MEMBERS = "members", _("参与单位")
    REPORTS = "reports", _("年度报告")


class Format(models.TextChoices):
    # Names of file formats, the same in every language.
    XLSX = "xlsx", "Excel"
    CSV = "csv", "CSV"


def export_path(instance, filename):
    # A random name under the exports folder, never one a user chose.
    return f"exports/{uuid.uuid4().hex}.{instance.format}"


def expires():
    return timezone.now() + KEPT_FOR


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("生成失败")
        EXPIRED = "expired", _("已过期")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.CASCADE, related_name="export_jobs"
    )
    # The list's query string as it was asked for (filters and ordering); the worker reads the list again from it,
    # scoped to the user who asked.
    filters = models.TextField(_("筛选条件"), blank=True)
    sheet = models.CharField(_("导出内容"), max_length=16, choices=Sheet.choices)
    format = models.CharField(_("文件格式"), max_length=8, choices=Format.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(_("已写入行数"), default=0)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    file = models.FileField(_("文件"), upload_to=export_path, max_length=255, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("保留至"), default=expires)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"])]  # the daily purge

    def __str__(self):
        return f"{self.get_sheet_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_downloadable(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file) and self.expires_at > timezone.now()

    @property
    def percent(self) -> int:
        return min(100, self.rows_done * 100 // self.rows_total) if self.rows_total else 0
