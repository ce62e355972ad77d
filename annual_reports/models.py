"""Annual reports (年度报告, guideline §5.2): each year the city opens a campaign and every consortium that was filed
and running at any time in the year reports on seven contents. Narratives are text; what people compare across
consortia and years (money, task results, talent) is structured. What was submitted is kept as an append-only
``ReportSubmission``."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from consortia.models import ChangeRecord, Consortium, ResearchTask, consortium_visibility
from portal.models import AppendOnly, Organisation, ScopedQuerySet


class ReportStatus(models.TextChoices):
    TO_FILL = "to_fill", _("待填报")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已通过")


# A report its lead unit may still edit and submit; also the reports reminded and flagged overdue.
EDITABLE = frozenset({ReportStatus.TO_FILL, ReportStatus.RETURNED})


class ReportSection(models.TextChoices):
    """The seven contents of guideline §5.2, each saved on its own with its own version (concurrent edits)."""

    OVERALL = "overall", _("建设总体情况")
    PARTNERS = "partners", _("合作单位和开展研发项目进展情况")
    TEAM = "team", _("运营团队的建设情况")
    FUNDING = "funding", _("资金投入使用和收益分配情况")
    TASKS = "tasks", _("攻关项目整体进展情况")
    TALENT = "talent", _("人才培养情况")
    PLAN = "plan", _("下年度工作计划")


# Each section's narrative field on ``AnnualReport``.
NARRATIVES = {
    ReportSection.OVERALL: "overall_narrative",
    ReportSection.PARTNERS: "partners_narrative",
    ReportSection.TEAM: "team_narrative",
    ReportSection.FUNDING: "funding_narrative",
    ReportSection.TASKS: "tasks_narrative",
    ReportSection.TALENT: "talent_narrative",
    ReportSection.PLAN: "plan_narrative",
}
TALENT_COUNTS = ("talent_introduced", "talent_trained", "talent_high_level", "talent_young")
# A task's results in the year, on ``ReportTaskProgress``.
RESULT_COUNTS = ("patents", "standards", "papers", "products")


def _amount(verbose_name, **options):
    """An amount in 万元, never negative (the form's validator; the table's CheckConstraint decides)."""
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, validators=[MinValueValidator(0)], **options
    )


class ReportCampaign(models.Model):
    """The city's call for one year's reports (guideline §5.2: before each year-end, following the bureau's notice)."""

    year = models.PositiveSmallIntegerField(_("报告年度"), unique=True)
    period_start = models.DateField(_("报告期开始"))
    period_end = models.DateField(_("报告期结束"))
    deadline = models.DateField(_("提交截止日期"))
    # Empty when the system opened it (``manage.py open_report_campaign``); the audit event says "system".
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开启人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("开启时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("年度报告批次")
        verbose_name_plural = _("年度报告批次")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(period_start__lte=F("period_end")), name="campaign_period_in_order"),
            models.CheckConstraint(condition=Q(deadline__gte=F("period_start")), name="campaign_deadline_in_period"),
        ]

    def __str__(self):
        return str(_("%(year)s 年度报告") % {"year": self.year})


class AnnualReportQuerySet(ScopedQuerySet):
    def scoped_to(self, user):
        # Whoever sees the consortium sees its reports' rows; what they read of one is ``selectors.report_as_seen``.
        return self.filter(consortium_visibility(user, "consortium__"))


class AnnualReport(models.Model):
    campaign = models.ForeignKey(ReportCampaign, on_delete=models.PROTECT, related_name="reports")
    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="annual_reports")
    status = models.CharField(
        _("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.TO_FILL, db_index=True
    )
    # The day after the deadline, set once by ``jobs.flag_overdue_reports``; kept after a late submission.
    overdue_since = models.DateField(_("逾期起始日"), null=True, blank=True)
    section_versions = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("最近提交时间"), null=True, blank=True)

    overall_narrative = models.TextField(ReportSection.OVERALL.label, blank=True)
    partners_narrative = models.TextField(ReportSection.PARTNERS.label, blank=True)
    team_narrative = models.TextField(ReportSection.TEAM.label, blank=True)
    funding_narrative = models.TextField(ReportSection.FUNDING.label, blank=True)
    tasks_narrative = models.TextField(ReportSection.TASKS.label, blank=True)
    talent_narrative = models.TextField(ReportSection.TALENT.label, blank=True)
    plan_narrative = models.TextField(ReportSection.PLAN.label, blank=True)

    # Empty until the lead unit fills them in: zero is an answer, not a default.
    team_size = models.PositiveIntegerField(_("运营团队人数"), null=True, blank=True)
    talent_introduced = models.PositiveIntegerField(_("引进人才（人）"), null=True, blank=True)
    talent_trained = models.PositiveIntegerField(_("培养人才（人）"), null=True, blank=True)
    talent_high_level = models.PositiveIntegerField(_("其中高层次人才（人）"), null=True, blank=True)
    talent_young = models.PositiveIntegerField(_("其中青年人才（人）"), null=True, blank=True)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["-campaign__year", "consortium_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "consortium"], name="one_report_per_consortium_and_year")
        ]
        indexes = [
            models.Index(fields=["campaign", "status"]),
            # The campaign's version (``selectors.campaign_progress``): its count and latest change, from the index.
            models.Index(fields=["campaign", "updated_at"]),
        ]

    def __str__(self):
        return f"{self.consortium_id} {self.campaign_id}"

    @property
    def status_label(self):
        return ReportStatus(self.status).label

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE


class SpendingCategory(models.TextChoices):
    """How money spent is broken down: the categories of the funding table (``ReportFundingLine.spent_*``)."""

    RESEARCH = "research", _("研发费用")
    EQUIPMENT = "equipment", _("设备购置")
    PERSONNEL = "personnel", _("人员费用")
    OTHER = "other", _("其他支出")


SPENT_FIELDS = {category: f"spent_{category.value}" for category in SpendingCategory}


class ReportFundingLine(models.Model):
    """One unit's money in the year: planned (from the filing's funding plan for the year), received and spent."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="funding_lines")
    organisation = models.ForeignKey(Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    planned = _amount(_("计划投入（万元）"), default=0)
    received = _amount(_("实际到位（万元）"), default=0)
    spent_research = _amount(SpendingCategory.RESEARCH.label, default=0)
    spent_equipment = _amount(SpendingCategory.EQUIPMENT.label, default=0)
    spent_personnel = _amount(SpendingCategory.PERSONNEL.label, default=0)
    spent_other = _amount(SpendingCategory.OTHER.label, default=0)
    # Required before submission when more was spent than received (``selectors.report_checklist``).
    explanation = models.TextField(_("支出超过到位资金的说明"), blank=True)

    class Meta:
        verbose_name = _("经费到位与使用情况")
        verbose_name_plural = _("经费到位与使用情况")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "organisation"], name="one_report_funding_line_per_unit"),
            models.CheckConstraint(
                condition=Q(planned__gte=0)
                & Q(received__gte=0)
                & Q(spent_research__gte=0)
                & Q(spent_equipment__gte=0)
                & Q(spent_personnel__gte=0)
                & Q(spent_other__gte=0),
                name="report_funding_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return str(self.organisation)

    @property
    def spent(self):
        return sum(getattr(self, field) for field in SPENT_FIELDS.values())

    @property
    def needs_explanation(self) -> bool:
        return self.spent > self.received and not self.explanation.strip()


class ReportReturn(models.Model):
    """Returns (收益) of the consortium's work distributed to one unit in the year."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="returns")
    organisation = models.ForeignKey(Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    amount = _amount(_("分配收益（万元）"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("收益分配")
        verbose_name_plural = _("收益分配")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "organisation"], name="one_report_return_per_unit"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="report_return_not_negative"),
        ]

    def __str__(self):
        return str(self.organisation)


class TaskProgressStatus(models.TextChoices):
    ON_TRACK = "on_track", _("按计划推进")
    DELAYED = "delayed", _("进度滞后")
    DONE = "done", _("已完成")
    STOPPED = "stopped", _("已中止")


class ReportTaskProgress(models.Model):
    """The year's progress of one of the filing's research tasks; one row per task, made when the report is."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="task_progress")
    # PROTECT: a task a report speaks of stays, as the filing's submissions do.
    task = models.ForeignKey(ResearchTask, verbose_name=_("攻关任务"), on_delete=models.PROTECT, related_name="+")
    # Blank until the lead unit chooses; a report with a blank one is not submitted.
    status = models.CharField(_("进展状态"), max_length=16, choices=TaskProgressStatus.choices, blank=True)
    patents = models.PositiveIntegerField(_("专利（项）"), default=0)
    standards = models.PositiveIntegerField(_("标准（项）"), default=0)
    papers = models.PositiveIntegerField(_("论文（篇）"), default=0)
    products = models.PositiveIntegerField(_("新产品（个）"), default=0)
    note = models.TextField(_("进展说明"), blank=True)

    class Meta:
        verbose_name = _("攻关任务进展")
        verbose_name_plural = _("攻关任务进展")
        ordering = ["task_id"]
        constraints = [models.UniqueConstraint(fields=["report", "task"], name="one_progress_per_report_task")]

    def __str__(self):
        return str(self.task_id)


class ReportJointProject(models.Model):
    """A research project the consortium's units carried out together in the year (合作开展研发项目)."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="joint_projects")
    title = models.CharField(_("项目名称"), max_length=200)
    units = models.TextField(_("参与单位"), help_text=_("每行一家单位。"))
    funding_source = models.CharField(_("资金来源"), max_length=200, blank=True)
    amount = _amount(_("项目金额（万元）"), default=0)

    class Meta:
        verbose_name = _("合作研发项目")
        verbose_name_plural = _("合作研发项目")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="joint_project_not_negative")]

    def __str__(self):
        return self.title


class ReportChangeExplanation(models.Model):
    """What the report says of one change that took effect in its period (§5.3.b: a change made by supplementary
    agreement is explained in that year's report). The changes themselves are ``consortia.ChangeRecord``: the report
    lists those of its period by itself and asks for an explanation of each."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="change_explanations")
    change = models.ForeignKey(ChangeRecord, on_delete=models.PROTECT, related_name="report_explanations")
    text = models.TextField(_("变更情况说明"))

    class Meta:
        verbose_name = _("变更事项说明")
        verbose_name_plural = _("变更事项说明")
        ordering = ["change__effective_on", "change_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "change"], name="one_explanation_per_change_and_report"),
            models.CheckConstraint(condition=~Q(text=""), name="change_explanation_not_blank"),
        ]

    def __str__(self):
        return f"{self.report_id} {self.change_id}"


class ReportSubmission(AppendOnly, models.Model):
    """An immutable copy of the report exactly as submitted (``snapshots.report_content``)."""

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveSmallIntegerField(_("提交次数"))
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content = models.JSONField(_("报告内容"))

    class Meta:
        verbose_name = _("年度报告提交记录")
        verbose_name_plural = _("年度报告提交记录")
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="one_report_submission_number")]

    def __str__(self):
        return f"{self.report_id} #{self.number}"


class ReportEvent(AppendOnly, models.Model):
    """Append-only history of a report's state, written by the one door (``annual_reports.workflow.REPORT``): who
    submitted, accepted or returned it, and why."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, choices=ReportStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=16, choices=ReportStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    role = models.CharField(_("角色"), max_length=32)
    comment = models.TextField(_("意见或理由"), blank=True)
    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("年度报告流程记录")
        verbose_name_plural = _("年度报告流程记录")
        ordering = ["occurred_at", "id"]

    def __str__(self):
        return f"{self.report_id} {self.from_status}→{self.to_status}"


class ReportComment(AppendOnly, models.Model):
    """A district officer's (or city staff's) remark on a submitted report, for the city to read; never edited."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评论人"), on_delete=models.PROTECT)
    text = models.TextField(_("意见"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("年度报告意见")
        verbose_name_plural = _("年度报告意见")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.report_id} {self.author_id}"
