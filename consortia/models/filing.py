"""The filing: a consortium from draft to the end of its life (DESIGN §2) — its facts, members, governance, tasks,
funding, documents, the immutable submissions and the workflow history."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import AppendOnly, IndustryField, Organisation, PlatformCategory, Role, ScopedQuerySet

from ..states import Status


class TechnologyKind(models.TextChoices):
    CHOKE_POINT = "choke-point", _("“卡脖子”技术")
    FIRST_MOVER = "first-mover", _("具有先发优势的关键技术")
    FRONTIER = "frontier", _("引领未来发展的基础前沿技术")


class ChainPosition(models.TextChoices):
    UPSTREAM = "upstream", _("上游")
    MIDSTREAM = "midstream", _("中游")
    DOWNSTREAM = "downstream", _("下游")
    NOT_APPLICABLE = "n/a", _("不适用")


class PlatformLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")


class Section(models.TextChoices):
    """The editor's sections; each is saved on its own and carries its own version (concurrent edits)."""

    BASIC = "basic", _("基本信息")
    LEAD = "lead", _("牵头单位")
    MEMBERS = "members", _("参与单位")
    GOVERNANCE = "governance", _("组织架构与运行机制")
    TASKS = "tasks", _("攻关任务")
    FUNDING = "funding", _("经费计划")
    DOCUMENTS = "documents", _("附件材料")


def consortium_visibility(user, path: str = "") -> Q:
    """The consortia ``user`` sees (administrators aside: ``ScopedQuerySet.visible_to``), as a condition on ``path``
    — "" for a consortium, "consortium__" for a row about one — so that a row about a consortium is scoped by a join,
    not by ``IN (SELECT …)`` over every consortium."""
    if user.role == Role.CITY_STAFF:
        # What was ever submitted, in every jurisdiction; a lead unit's unsent draft is nobody's business yet.
        return Q(**{f"{path}submitted_at__isnull": False})
    if user.role == Role.DISTRICT_OFFICER:
        # Officers see what was ever submitted in their jurisdiction, never a lead unit's unsent draft.
        return Q(
            **{f"{path}lead_organisation__jurisdiction_id": user.authority_id, f"{path}submitted_at__isnull": False}
        )
    if user.role == Role.LEAD_UNIT:
        return Q(**{f"{path}lead_organisation_id": user.organisation_id})
    return Q(pk__in=[])


class ConsortiumQuerySet(ScopedQuerySet):
    def scoped_to(self, user):
        return self.filter(consortium_visibility(user))


class Consortium(models.Model):
    name = models.CharField(_("联合体名称"), max_length=200)
    field = models.ForeignKey(
        IndustryField, verbose_name=_("产业领域"), on_delete=models.PROTECT, null=True, blank=True
    )
    technology_kinds = models.JSONField(_("攻关技术类型"), default=list, blank=True)
    summary = models.TextField(_("联合体简介"), blank=True)
    goals = models.TextField(_("建设目标"), blank=True)
    planned_start = models.DateField(_("计划建设开始日期"), null=True, blank=True)
    planned_end = models.DateField(_("计划建设结束日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=32, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # The lead unit never changes once submitted (guideline §5.3.a); services refuse it.
    lead_organisation = models.ForeignKey(
        Organisation, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="led_consortia"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    section_versions = models.JSONField(default=dict, blank=True)
    justifications = models.JSONField(_("说明理由"), default=dict, blank=True)
    agreement_signed_on = models.DateField(_("组建协议签署日期"), null=True, blank=True)
    agreement_all_parties_signed = models.BooleanField(_("各方均已签署组建协议"), default=False)
    submitted_at = models.DateTimeField(_("最近提交时间"), null=True, blank=True)
    filing_number = models.CharField(_("备案编号"), max_length=64, null=True, blank=True, unique=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    start_date = models.DateField(_("建设期开始"), null=True, blank=True)
    end_date = models.DateField(_("建设期结束"), null=True, blank=True)

    objects = ConsortiumQuerySet.as_manager()

    class Meta:
        verbose_name = _("创新联合体")
        verbose_name_plural = _("创新联合体")
        ordering = ["-updated_at", "-id"]
        indexes = [
            # The queues: a status tab in submission order, and everything in submission order (LIMIT 25 stops early).
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["submitted_at"]),
            # A district's status tabs, from the index alone: its lead units → their consortia's status.
            models.Index(fields=["lead_organisation", "status", "submitted_at"]),
            # Lists in the order of names (a campaign's reports, the portfolio): walked in order, LIMIT 25 stops early.
            models.Index(fields=["name", "id"]),
        ]

    def __str__(self):
        return self.name or str(_("（未命名联合体）"))

    @property
    def status_label(self):
        """``get_status_display`` hashes every lazy choice label on each call (~0.1 ms a row in a list)."""
        return Status(self.status).label

    def section_version(self, section: str) -> int:
        return int(self.section_versions.get(section, 0))


class LeadUnit(models.Model):
    """The facts about the lead unit that the guideline weighs (§3.4)."""

    consortium = models.OneToOneField(Consortium, on_delete=models.CASCADE, related_name="lead")
    head = models.CharField(_("单位负责人"), max_length=64, blank=True)
    revenue_prev_year = models.DecimalField(
        _("上年度销售收入（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    rd_expense_prev_year = models.DecimalField(
        _("上年度研发投入（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    platform_level = models.CharField(_("平台级别"), max_length=16, choices=PlatformLevel.choices, blank=True)
    platform_category = models.ForeignKey(
        PlatformCategory, verbose_name=_("平台类别"), on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        verbose_name = _("牵头单位情况")
        verbose_name_plural = _("牵头单位情况")

    def __str__(self):
        return str(self.consortium.lead_organisation)


class Membership(models.Model):
    """An organisation in a consortium; history, not a flag (``left_on``)."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("参与单位"), on_delete=models.PROTECT, related_name="memberships"
    )
    chain_position = models.CharField(
        _("产业链位置"), max_length=16, choices=ChainPosition.choices, default=ChainPosition.NOT_APPLICABLE
    )
    independent_legal_entity = models.BooleanField(_("确认为独立法人单位"), default=False)
    # Enterprises: R&D and technical supporting capability (§3.5.a); universities and institutes: research team and
    # laboratory conditions (§3.5.b). One text, as in the exchange format.
    capability = models.TextField(_("研发能力或科研团队与实验条件"), blank=True)
    role = models.TextField(_("承担的实质性研发工作"), blank=True)
    joined_on = models.DateField(_("加入日期"), null=True, blank=True)
    left_on = models.DateField(_("退出日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("参与单位")
        verbose_name_plural = _("参与单位")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "organisation"],
                condition=Q(left_on__isnull=True),
                name="one_current_membership_per_organisation",
            )
        ]

    def __str__(self):
        return str(self.organisation)


class Governance(models.Model):
    consortium = models.OneToOneField(Consortium, on_delete=models.CASCADE, related_name="governance")
    has_council = models.BooleanField(_("设立理事会（或专门工作机制）"), default=False)
    council_chair = models.CharField(_("理事长"), max_length=64, blank=True)
    council_chair_is_lead_head = models.BooleanField(_("理事长由牵头单位负责人担任"), default=False)
    chief_experts = models.TextField(_("首席专家"), blank=True, help_text=_("每行一位：姓名、单位、职称。"))
    advisory_committee = models.TextField(_("专家咨询委员会"), blank=True, help_text=_("每行一位。"))
    operating_mechanism = models.TextField(_("运行机制与收益分配"), blank=True)

    class Meta:
        verbose_name = _("组织架构与运行机制")
        verbose_name_plural = _("组织架构与运行机制")

    def __str__(self):
        return str(self.consortium)

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]


class ResearchTask(models.Model):
    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("任务名称"), max_length=200)
    kind = models.CharField(_("技术类型"), max_length=16, choices=TechnologyKind.choices)
    objectives = models.TextField(_("攻关目标"))
    indicators = models.TextField(_("考核指标"), blank=True)
    milestones = models.TextField(_("年度进度安排"), blank=True)
    responsible_units = models.ManyToManyField(
        Organisation, verbose_name=_("承担单位"), related_name="research_tasks", blank=True
    )

    class Meta:
        verbose_name = _("攻关任务")
        verbose_name_plural = _("攻关任务")
        ordering = ["id"]

    def __str__(self):
        return self.title


class FundingLine(models.Model):
    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="funding_lines")
    organisation = models.ForeignKey(Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    self_raised = models.DecimalField(
        _("自筹（万元）"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    government = models.DecimalField(
        _("政府资金（万元）"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    financial = models.DecimalField(
        _("金融及基金（万元）"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("经费计划")
        verbose_name_plural = _("经费计划")
        ordering = ["year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "organisation", "year"], name="one_funding_line_per_unit_year"
            ),
            models.CheckConstraint(
                condition=Q(self_raised__gte=0) & Q(government__gte=0) & Q(financial__gte=0),
                name="funding_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} {self.year}"

    @property
    def total(self) -> Decimal:
        return self.self_raised + self.government + self.financial


def document_path(instance, filename):
    # Never the user's file name on disk: a random name under the consortium's folder.
    return f"consortia/{instance.consortium_id}/{uuid.uuid4().hex}.pdf"


class StoredPdf(models.Model):
    """A PDF kept in private storage under a random name, with what identifies its content and who uploaded it."""

    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True

    @classmethod
    def store(cls, uploaded_file, checked, *, files, uploaded_by, **fields):
        """A new row for ``uploaded_file`` (``checked`` by ``documents.check_pdf``), saved with its file; ``files``
        (``storage.StoredFiles``) removes the file again if the transaction does not commit."""
        document = cls(
            original_name=uploaded_file.name[:255],
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=uploaded_by,
            **fields,
        )
        document.file.save("upload.pdf", uploaded_file, save=False)
        files.written(document.file)
        document.save()
        return document


class Document(StoredPdf):
    class Kind(models.TextChoices):
        FORMATION_AGREEMENT = "formation_agreement", _("组建协议")
        SUPPLEMENTARY_AGREEMENT = "supplementary_agreement", _("补充协议")
        QUALIFICATION = "qualification", _("资质证明")
        FINANCIAL_STATEMENT = "financial_statement", _("财务报表")
        OTHER = "other", _("其他材料")

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("材料类型"), max_length=32, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to=document_path, max_length=255)

    class Meta:
        verbose_name = _("附件材料")
        verbose_name_plural = _("附件材料")
        ordering = ["kind", "uploaded_at"]

    def __str__(self):
        return self.original_name


class Submission(AppendOnly, models.Model):
    """An immutable copy of the filing exactly as submitted, with its eligibility results."""

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveSmallIntegerField(_("提交次数"))
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    document = models.JSONField(_("备案内容（交换格式）"))
    # Facts beside the exchange format: goals, milestones, responsible units, funding plan, documents with hashes.
    details = models.JSONField(_("其他内容及附件"), default=dict)
    eligibility = models.JSONField(_("条件核验结果"), encoder=DjangoJSONEncoder)
    # The documents as they were submitted; a document recorded here is never deleted or replaced.
    documents = models.ManyToManyField(
        Document, verbose_name=_("提交的附件材料"), related_name="submissions", blank=True
    )

    class Meta:
        verbose_name = _("提交记录")
        verbose_name_plural = _("提交记录")
        ordering = ["consortium", "number"]
        constraints = [models.UniqueConstraint(fields=["consortium", "number"], name="one_submission_number")]

    def __str__(self):
        return f"{self.consortium} #{self.number}"


class WorkflowEvent(AppendOnly, models.Model):
    """Append-only history of a consortium's state: who moved it from where to where, and why."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=32, choices=Status.choices)
    to_status = models.CharField(_("新状态"), max_length=32, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("角色"), max_length=32)
    comment = models.TextField(_("意见或理由"), blank=True)
    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("流程记录")
        verbose_name_plural = _("流程记录")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["consortium", "occurred_at"])]

    def __str__(self):
        return f"{self.consortium_id} {self.from_status}→{self.to_status}"
