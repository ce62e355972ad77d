import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FilingNumberCounter(models.Model):
    """The last filing number issued in a year (DESIGN §3). One row per year, locked while a number is taken, so
    numbers are sequential, never repeated, and a rolled-back approval gives its number back."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    last_number = models.PositiveIntegerField(_("已发最大序号"), default=0)

    class Meta:
        verbose_name = _("备案编号计数器")
        verbose_name_plural = _("备案编号计数器")
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class ReviewOpinion(models.Model):
    """A district or city officer's structured opinion, stored with each decision on a submission."""

    consortium = models.ForeignKey("consortia.Consortium", on_delete=models.CASCADE, related_name="opinions")
    submission = models.ForeignKey("consortia.Submission", on_delete=models.PROTECT, related_name="opinions")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.PROTECT)
    role = models.CharField(_("审核角色"), max_length=32)
    decision = models.CharField(_("审核决定"), max_length=32)
    comment = models.TextField(_("审核意见"), blank=True)
    # Section code → the reviewer's remark on that section of the submission.
    section_comments = models.JSONField(_("分项意见"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.consortium_id} {self.decision}"


def notice_path(instance, filename):
    return f"notices/{instance.consortium_id}/{uuid.uuid4().hex}.pdf"


class FilingNotice(models.Model):
    """The filing notice PDF, generated once at approval and kept with its hash."""

    consortium = models.OneToOneField("consortia.Consortium", on_delete=models.PROTECT, related_name="notice")
    file = models.FileField(_("文件"), upload_to=notice_path, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    issued_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("备案通知书")
        verbose_name_plural = _("备案通知书")

    def __str__(self):
        return str(self.consortium)
