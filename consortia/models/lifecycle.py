"""The end of a consortium's life: completion, revocation, the dishonesty record, provincial recognition (DESIGN §3,
guideline §1.c, §2.c, §5.1, §5.3). Services and daily jobs are in ``consortia.lifecycle``."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation, Role, ScopedQuerySet

from .filing import Consortium, StoredPdf


def lifecycle_document_path(instance, filename):
    # As for filing documents: a random name, never the user's, under the consortium's folder.
    return f"consortia/{instance.consortium_id}/lifecycle/{uuid.uuid4().hex}.pdf"


class CompletionDeclaration(models.Model):
    """The lead unit declares the research tasks finished; the city confirms (→ completed) or declines."""

    class State(models.TextChoices):
        PENDING = "pending", _("待市科技局确认")
        CONFIRMED = "confirmed", _("已确认完成")
        DECLINED = "declined", _("未予确认")
        LAPSED = "lapsed", _("未及确认（备案已终止）")

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="completion_declarations")
    summary = models.TextField(_("任务完成情况总结"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PENDING)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申报人"), on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("办理时间"), null=True, blank=True)
    decision_reason = models.TextField(_("办理意见"), blank=True)

    class Meta:
        verbose_name = _("任务完成申报")
        verbose_name_plural = _("任务完成申报")
        ordering = ["-declared_at", "-id"]
        constraints = [
            # One declaration waits for the city at a time; a second submit (double click, two tabs) is refused.
            models.UniqueConstraint(
                fields=["consortium"], condition=Q(state="pending"), name="one_pending_completion_declaration"
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decision_reason=""), name="declined_completion_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.consortium_id} {self.get_state_display()}"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING


class Revocation(models.Model):
    """A filing revoked for serious fraud (取消资格, guideline §5.3); the dishonesty records it created point here."""

    consortium = models.OneToOneField(Consortium, on_delete=models.PROTECT, related_name="revocation")
    reason = models.TextField(_("撤销理由"))
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("办理人"), on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("撤销时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("撤销备案")
        verbose_name_plural = _("撤销备案")

    def __str__(self):
        return str(self.consortium)


class RecordState(models.TextChoices):
    """How a dishonesty record stands on a day, in the words of the list and the export."""

    IN_FORCE = "in_force", _("有效")
    ENDED = "ended", _("已提前终止")
    EXPIRED = "expired", _("已到期")
    PENDING = "pending", _("尚未生效")


class DishonestyRecordQuerySet(ScopedQuerySet):
    def scoped_to(self, user):
        """City staff keep the dishonesty record (DESIGN §1); nobody else lists it."""
        return self if user.role == Role.CITY_STAFF else self.none()

    def with_state(self, *, on):
        """Each record with ``state_code``, how it stands on the day ``on``: the one rule of when a record is in
        force — begun, not past its last day, not ended early (from ``ended_on``)."""
        return self.annotate(
            state_code=models.Case(
                models.When(ended_on__lte=on, then=models.Value(RecordState.ENDED)),
                models.When(valid_from__gt=on, then=models.Value(RecordState.PENDING)),
                models.When(valid_until__lt=on, then=models.Value(RecordState.EXPIRED)),
                default=models.Value(RecordState.IN_FORCE),
                output_field=models.CharField(),
            )
        )

    def in_force(self, *, on):
        return self.with_state(on=on).filter(state_code=RecordState.IN_FORCE)

    def not_in_force(self, *, on):
        return self.with_state(on=on).exclude(state_code=RecordState.IN_FORCE)


class DishonestyRecord(models.Model):
    """An entry of the dishonesty record (失信信息记录, guideline §5.3). While in force, the INTEGRITY rule stops the
    organisation from leading or joining a new filing. Ended early only with a reason, which is kept."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="dishonesty_records"
    )
    revocation = models.ForeignKey(
        Revocation,
        verbose_name=_("所涉撤销备案"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dishonesty_records",
    )
    reason = models.TextField(_("失信事由"))
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, help_text=_("留空表示长期有效。"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    ended_on = models.DateField(_("提前终止日期"), null=True, blank=True)
    end_reason = models.TextField(_("提前终止理由"), blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("终止操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("终止操作时间"), null=True, blank=True)

    objects = DishonestyRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("失信信息记录")
        verbose_name_plural = _("失信信息记录")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "revocation"], name="one_dishonesty_record_per_unit_and_revocation"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="dishonesty_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | (~Q(end_reason="") & Q(ended_by__isnull=False)),
                name="dishonesty_ended_early_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "valid_from"])]

    def __str__(self):
        return f"{self.organisation} {self.valid_from}"

    @property
    def state(self) -> RecordState:
        """How the record stands, for a record read through ``with_state``."""
        return RecordState(self.state_code)


class ProvincialRecognition(models.Model):
    """The consortium was recognised as a provincial consortium (省级创新联合体, guideline §2.c)."""

    consortium = models.OneToOneField(Consortium, on_delete=models.CASCADE, related_name="provincial_recognition")
    recognised_on = models.DateField(_("认定日期"))
    document_number = models.CharField(_("认定文件文号"), max_length=100, blank=True)
    note = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("省级创新联合体认定")
        verbose_name_plural = _("省级创新联合体认定")

    def __str__(self):
        return str(self.consortium)


class LifecycleDocument(StoredPdf):
    """A PDF that belongs to a completion declaration, a revocation or a provincial recognition (exactly one)."""

    class Kind(models.TextChoices):
        COMPLETION = "completion", _("任务完成材料")
        REVOCATION_EVIDENCE = "revocation_evidence", _("撤销备案证据材料")
        RECOGNITION = "recognition", _("省级认定文件")

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="lifecycle_documents")
    kind = models.CharField(_("材料类型"), max_length=32, choices=Kind.choices)
    declaration = models.ForeignKey(
        CompletionDeclaration, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    revocation = models.ForeignKey(Revocation, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence")
    recognition = models.ForeignKey(
        ProvincialRecognition, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    file = models.FileField(_("文件"), upload_to=lifecycle_document_path, max_length=255)

    class Meta:
        verbose_name = _("终止及认定材料")
        verbose_name_plural = _("终止及认定材料")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="lifecycle_document_has_its_one_owner",
                condition=(
                    Q(kind="completion", declaration__isnull=False, revocation__isnull=True, recognition__isnull=True)
                    | Q(
                        kind="revocation_evidence",
                        declaration__isnull=True,
                        revocation__isnull=False,
                        recognition__isnull=True,
                    )
                    | Q(
                        kind="recognition", declaration__isnull=True, revocation__isnull=True, recognition__isnull=False
                    )
                ),
            )
        ]

    def __str__(self):
        return self.original_name
