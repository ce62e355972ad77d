import secrets
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


def new_verification_code() -> str:
    """22 URL-safe characters, 128 random bits: printed on the notice, unguessable from any other."""
    return secrets.token_urlsafe(16)


class FilingNotice(models.Model):
    """The filing notice in force: the PDF generated at approval (version 1) or at its latest reissue, kept with its
    hash and the verification code printed on it. A reissue moves the version it replaces to ``SupersededNotice``."""

    consortium = models.OneToOneField("consortia.Consortium", on_delete=models.PROTECT, related_name="notice")
    file = models.FileField(_("文件"), upload_to=notice_path, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    issued_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    verification_code = models.CharField(_("验证码"), max_length=32, unique=True, default=new_verification_code)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    # Why this version was issued in place of the one before; empty for version 1.
    reason = models.TextField(_("重新出具原因"), blank=True)
    # False for notices issued before codes were printed: their code was given afterwards and their PDF lacks it.
    code_printed = models.BooleanField(_("通知书载有验证码"), default=True)

    class Meta:
        verbose_name = _("备案通知书")
        verbose_name_plural = _("备案通知书")

    def __str__(self):
        return str(self.consortium)


class SupersededNotice(models.Model):
    """A version of a filing notice that a reissue replaced, kept with its file, hash and code, so that its
    verification page says it was superseded and by which code."""

    consortium = models.ForeignKey("consortia.Consortium", on_delete=models.PROTECT, related_name="superseded_notices")
    version = models.PositiveSmallIntegerField(_("版本"))
    file = models.FileField(_("文件"), upload_to=notice_path, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    issued_at = models.DateTimeField(_("生成时间"))
    verification_code = models.CharField(_("验证码"), max_length=32, unique=True)
    reason = models.TextField(_("重新出具原因"), blank=True)
    code_printed = models.BooleanField(_("通知书载有验证码"), default=True)
    superseded_at = models.DateTimeField(_("失效时间"), auto_now_add=True)
    # The code of the version issued in its place (a code, not a key: that one may in turn be superseded).
    superseded_by_code = models.CharField(_("替代版本验证码"), max_length=32)

    class Meta:
        verbose_name = _("已替代的备案通知书")
        verbose_name_plural = _("已替代的备案通知书")
        ordering = ["consortium", "version"]
        constraints = [
            models.UniqueConstraint(fields=["consortium", "version"], name="superseded_notice_version_once"),
        ]

    def __str__(self):
        return f"{self.consortium} v{self.version}"
