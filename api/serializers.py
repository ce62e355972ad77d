"""What the API answers, field by field. A consortium reads as its page shows it (``filing_as_seen``: the lead unit its
live filing, everybody else the last submission); descriptions are in Chinese and English, for the schema."""

from rest_framework import serializers

from annual_reports.models import AnnualReport, ReportStatus
from consortia.models import ChangeRecord, DishonestyRecord, RecordState, Submission
from consortia.states import Status

FILING_DOCUMENT = (
    "consortium-filing/1 交换格式文档（JSON Schema 见 consortia/eligibility/consortium-filing-1.schema.json）/ "
    "The filing as a consortium-filing/1 exchange document (JSON Schema: "
    "consortia/eligibility/consortium-filing-1.schema.json)."
)


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(allow_null=True, help_text="开始日期 / First day.")
    end = serializers.DateField(allow_null=True, help_text="结束日期 / Last day.")


class ConsortiumRowSerializer(serializers.Serializer):
    """A row of the portfolio list (``monitoring.selectors.PortfolioRow``)."""

    id = serializers.IntegerField(source="pk")
    filing_number = serializers.CharField(allow_null=True, help_text="备案编号 / Filing number.")
    name = serializers.CharField(help_text="联合体名称 / Name of the consortium.")
    field = serializers.CharField(allow_null=True, help_text="产业领域 / Industry field.")
    technology_kinds = serializers.ListField(
        child=serializers.CharField(), help_text="攻关技术类型 / Kinds of technology tackled."
    )
    lead_name = serializers.CharField(help_text="牵头单位 / Lead unit.")
    lead_uscc = serializers.CharField(help_text="牵头单位统一社会信用代码 / Lead unit's USCC.")
    authority = serializers.CharField(allow_null=True, help_text="属地主管部门 / Authority of the lead unit.")
    members = serializers.IntegerField(help_text="参与单位数 / Number of current members.")
    start_date = serializers.DateField(allow_null=True, help_text="建设期开始 / Construction period starts.")
    end_date = serializers.DateField(allow_null=True, help_text="建设期结束 / Construction period ends.")
    status = serializers.ChoiceField(choices=Status.choices, help_text="状态 / Status.")
    status_label = serializers.CharField(help_text="状态名称 / Status, in words.")
    recognised_on = serializers.DateField(
        allow_null=True, help_text="省级认定日期 / Recognised as a provincial consortium on."
    )


class LeadSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="单位名称 / Name.")
    uscc = serializers.CharField(help_text="统一社会信用代码 / USCC.")
    kind = serializers.CharField(help_text="单位类型 / Kind of organisation.")
    jurisdiction = serializers.CharField(required=False, allow_blank=True, help_text="属地代码 / Authority code.")
    head = serializers.CharField(required=False, allow_blank=True, help_text="单位负责人 / Head of the unit.")


class MemberSerializer(serializers.Serializer):
    """A member as the exchange document has it: the keys it may leave out are not required."""

    name = serializers.CharField(help_text="单位名称 / Name.")
    uscc = serializers.CharField(help_text="统一社会信用代码 / USCC.")
    kind = serializers.CharField(help_text="单位类型 / Kind of organisation.")
    chain_position = serializers.CharField(required=False, help_text="产业链位置 / Position in the industry chain.")
    independent_legal_entity = serializers.BooleanField(help_text="独立法人 / Independent legal entity.")
    capability = serializers.CharField(required=False, allow_blank=True, help_text="研发能力 / R&D capability.")
    role = serializers.CharField(
        required=False, allow_blank=True, help_text="承担的研发工作 / R&D work it carries out."
    )


class TaskSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="任务名称 / Title.")
    kind = serializers.CharField(required=False, help_text="技术类型 / Kind of technology.")
    objectives = serializers.CharField(required=False, allow_blank=True, help_text="攻关目标 / Objectives.")
    indicators = serializers.CharField(required=False, allow_blank=True, help_text="考核指标 / Indicators.")


class ConsortiumDetailSerializer(serializers.Serializer):
    """A consortium (``views.ConsortiumViewSet.retrieve`` gives the instance its ``seen`` document)."""

    id = serializers.IntegerField(source="pk")
    status = serializers.ChoiceField(choices=Status.choices, help_text="状态 / Status.")
    status_label = serializers.CharField(help_text="状态名称 / Status, in words.")
    filing_number = serializers.CharField(allow_null=True, help_text="备案编号 / Filing number.")
    filed_on = serializers.DateField(allow_null=True, help_text="备案日期 / Filed on.")
    submitted_at = serializers.DateTimeField(allow_null=True, help_text="最近提交时间 / Last submitted at.")
    submission = serializers.IntegerField(
        allow_null=True,
        help_text="所示内容的提交次数；为空表示牵头单位正在编辑的内容 / "
        "The submission shown; null: the lead unit's live filing.",
    )
    name = serializers.CharField(source="seen.name", help_text="联合体名称 / Name.")
    field = serializers.CharField(
        source="seen.field", allow_blank=True, help_text="产业领域代码 / Industry field code."
    )
    technology_kinds = serializers.ListField(
        source="seen.technology_kinds",
        required=False,
        child=serializers.CharField(),
        help_text="攻关技术类型代码 / Technology kinds.",
    )
    summary = serializers.CharField(
        source="seen.summary", required=False, allow_blank=True, help_text="简介 / Summary."
    )
    period = PeriodSerializer(
        help_text="建设期：已备案的为批准的建设期，否则为计划建设期 / "
        "Construction period: as approved once filed, else as planned."
    )
    lead = LeadSerializer(source="seen.lead", help_text="牵头单位 / Lead unit.")
    members = MemberSerializer(source="seen.members", many=True, help_text="参与单位 / Current members.")
    tasks = TaskSerializer(source="seen.tasks", many=True, help_text="攻关任务 / Research tasks.")


class SubmissionSerializer(serializers.ModelSerializer):
    consortium = serializers.IntegerField(source="consortium_id", help_text="联合体 ID / Consortium id.")
    number = serializers.IntegerField(help_text="第几次提交 / Submission number.")
    submitted_at = serializers.DateTimeField(help_text="提交时间 / Submitted at.")
    document = serializers.JSONField(help_text=FILING_DOCUMENT)

    class Meta:
        model = Submission
        fields = ["id", "consortium", "number", "submitted_at", "document"]


class ConsortiumRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(help_text="联合体名称 / Name.")
    filing_number = serializers.CharField(allow_null=True, help_text="备案编号 / Filing number.")


class AnnualReportSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="campaign.year", help_text="报告年度 / Year reported on.")
    consortium = ConsortiumRefSerializer(help_text="联合体 / Consortium.")
    status = serializers.ChoiceField(choices=ReportStatus.choices, help_text="状态 / Status.")
    status_label = serializers.CharField(help_text="状态名称 / Status, in words.")
    overdue_since = serializers.DateField(allow_null=True, help_text="逾期起始日 / Overdue since.")
    submitted_at = serializers.DateTimeField(allow_null=True, help_text="最近提交时间 / Last submitted at.")

    class Meta:
        model = AnnualReport
        fields = ["id", "year", "consortium", "status", "status_label", "overdue_since", "submitted_at"]


class AnnualReportDetailSerializer(AnnualReportSerializer):
    """The report with its figures, as its page shows them (``annual_reports.selectors.report_as_seen``)."""

    submission = serializers.IntegerField(
        allow_null=True,
        help_text="所示内容的提交次数；为空表示牵头单位的当前内容或尚未提交 / "
        "The submission shown; null: the live report, or none yet.",
    )
    content = serializers.JSONField(
        allow_null=True,
        help_text="报告内容：七项内容的文字、经费、收益分配、任务进展、人才与合作项目数据；尚未提交时为空 / "
        "The report: the seven narratives and its figures (funding, returns, task results, talent, joint "
        "projects); null until submitted.",
    )

    class Meta(AnnualReportSerializer.Meta):
        fields = [*AnnualReportSerializer.Meta.fields, "submission", "content"]


class OrganisationRefSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="单位名称 / Name.")
    uscc = serializers.CharField(help_text="统一社会信用代码 / USCC.")


class AgreementSerializer(serializers.Serializer):
    name = serializers.CharField(source="original_name", help_text="文件名 / File name.")
    size = serializers.IntegerField(help_text="大小（字节）/ Size in bytes.")
    sha256 = serializers.CharField(help_text="SHA-256")


class ChangeRecordSerializer(serializers.ModelSerializer):
    consortium = serializers.IntegerField(source="consortium_id", help_text="联合体 ID / Consortium id.")
    kind = serializers.ChoiceField(choices=ChangeRecord.Kind.choices, help_text="变更类型 / Kind of change.")
    effective_on = serializers.DateField(help_text="生效日期 / Effective on.")
    explanation = serializers.CharField(help_text="变更说明 / Explanation.")
    member = OrganisationRefSerializer(
        source="membership.organisation",
        allow_null=True,
        help_text="所涉参与单位（成员变更时）/ The member that joined or left.",
    )
    open_tasks = serializers.JSONField(help_text="退出时承担的攻关任务 / Tasks the leaving member still carried.")
    agreement = AgreementSerializer(help_text="补充协议 / Supplementary agreement.")
    recorded_at = serializers.DateTimeField(help_text="记录时间 / Recorded at.")

    class Meta:
        model = ChangeRecord
        fields = [
            "id",
            "consortium",
            "kind",
            "effective_on",
            "explanation",
            "member",
            "open_tasks",
            "agreement",
            "recorded_at",
        ]


class DishonestyRecordSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(help_text="单位 / Organisation.")
    reason = serializers.CharField(help_text="失信事由 / Reason.")
    valid_from = serializers.DateField(help_text="有效期自 / In force from.")
    valid_until = serializers.DateField(
        allow_null=True, help_text="有效期至；为空表示长期 / In force until (null: open)."
    )
    state = serializers.ChoiceField(
        source="state_code", choices=RecordState.choices, help_text="今日状态 / How it stands today."
    )
    consortium = serializers.IntegerField(
        source="revocation.consortium_id", allow_null=True, help_text="所涉撤销的联合体 ID / Revoked consortium's id."
    )
    recorded_at = serializers.DateTimeField(help_text="记录时间 / Recorded at.")
    ended_on = serializers.DateField(allow_null=True, help_text="提前终止日期 / Ended early on.")
    end_reason = serializers.CharField(allow_blank=True, help_text="提前终止理由 / Why it ended early.")

    class Meta:
        model = DishonestyRecord
        fields = [
            "id",
            "organisation",
            "reason",
            "valid_from",
            "valid_until",
            "state",
            "consortium",
            "recorded_at",
            "ended_on",
            "end_reason",
        ]
