"""Changes during the construction period (guideline §5.3): the lead unit never changes (§5.3.a); members, the
strategic plan, the organisational structure and the operating mechanism change only by a supplementary agreement
(补充协议), explained in the annual report (§5.3.b). Services in ``consortia.changes``."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import AppendOnly

from .filing import Consortium, Membership, StoredPdf


def change_document_path(instance, filename):
    # As for filing documents: a random name, never the user's, under the consortium's folder.
    return f"consortia/{instance.consortium_id}/changes/{uuid.uuid4().hex}.pdf"


class ChangeDocument(AppendOnly, StoredPdf):
    """The signed supplementary agreement of one change: evidence, so never replaced or deleted (no path does)."""

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="change_documents")
    file = models.FileField(_("文件"), upload_to=change_document_path, max_length=255)

    class Meta:
        verbose_name = _("补充协议")
        verbose_name_plural = _("补充协议")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class ChangeRecord(AppendOnly, models.Model):
    """One change of an active consortium, as its lead unit recorded it, with the supplementary agreement. There is
    no kind for the lead unit: it cannot change (§5.3.a)."""

    class Kind(models.TextChoices):
        MEMBER_JOINED = "member_joined", _("新增参与单位")
        MEMBER_LEFT = "member_left", _("参与单位退出")
        STRATEGIC_PLAN = "strategic_plan", _("战略规划调整")
        ORGANISATION = "organisation", _("组织架构调整")
        MECHANISM = "mechanism", _("运行机制调整")

    MEMBER_KINDS = (Kind.MEMBER_JOINED, Kind.MEMBER_LEFT)

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="change_records")
    kind = models.CharField(_("变更类型"), max_length=32, choices=Kind.choices)
    effective_on = models.DateField(_("生效日期"))
    explanation = models.TextField(_("变更说明"))
    # The member that joined or left; its joined_on / left_on are the effective date.
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("所涉参与单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_records",
    )
    # The research tasks that still named the leaving member as responsible: it may leave (its tasks cannot be
    # edited once filed), and the record says what the supplementary agreement had to settle.
    open_tasks = models.JSONField(_("退出时承担的攻关任务"), default=list, blank=True)
    # Not null: a change without its supplementary agreement cannot be stored at all.
    agreement = models.OneToOneField(
        ChangeDocument, verbose_name=_("补充协议"), on_delete=models.PROTECT, related_name="change"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-effective_on", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["consortium", "effective_on"])]
        constraints = [
            models.CheckConstraint(
                name="change_names_a_member_exactly_when_about_members",
                condition=Q(kind__in=["member_joined", "member_left"], membership__isnull=False)
                | (~Q(kind__in=["member_joined", "member_left"]) & Q(membership__isnull=True)),
            ),
            models.CheckConstraint(name="change_is_explained", condition=~Q(explanation="")),
            # A membership joins once and leaves once; rejoining is a new membership.
            models.UniqueConstraint(fields=["membership", "kind"], name="one_change_per_membership_and_kind"),
        ]

    def __str__(self):
        return f"{self.consortium_id} {self.get_kind_display()} {self.effective_on}"
