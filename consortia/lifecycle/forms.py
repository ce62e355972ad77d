"""Forms of the lifecycle pages. They check the shape of the input; the services decide what is allowed."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation

from ..eligibility.periods import latest_end
from ..models import Consortium
from .selectors import IN_FORCE, NOT_IN_FORCE
from .services import MAX_ATTACHMENTS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PDF_ONLY = {"accept": "application/pdf,.pdf"}
# Only what the revocation form suggests as the record's term; city staff enter the term their decision states.
SUGGESTED_RECORD_YEARS = 3


class MultiplePdfInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePdfField(forms.FileField):
    """Several PDF files in one input; each is checked by its content in the service (``check_pdf``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePdfInput(attrs=dict(PDF_ONLY)))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("一次最多上传 %(max)d 个文件。") % {"max": MAX_ATTACHMENTS})
        single = super().clean
        return [single(f, initial) for f in files]


class CompletionDeclarationForm(forms.Form):
    summary = forms.CharField(
        label=_("任务完成情况总结"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("逐项说明攻关任务及考核指标的完成情况、取得的标志性成果及产业化应用情况。"),
    )
    attachments = MultiplePdfField(
        label=_("任务完成材料（PDF）"),
        help_text=_("如任务完成情况报告、验收或评价意见等，可多选，每个文件须为 PDF。"),
    )


class ConfirmCompletionForm(forms.Form):
    comment = forms.CharField(label=_("确认意见（可选）"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DeclineCompletionForm(forms.Form):
    reason = forms.CharField(
        label=_("不予确认的理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("将通知牵头单位；联合体继续处于建设期内，可补充材料后重新申报。"),
    )


class RevocationForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销理由"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("写明严重弄虚作假的具体事实（指引五（三））。理由将记入流程记录和失信信息记录。"),
    )
    evidence = MultiplePdfField(label=_("证据材料（PDF）"), help_text=_("可多选，每个文件须为 PDF。"))
    members = forms.ModelMultipleChoiceField(
        label=_("一并列入失信信息记录的参与单位"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("牵头单位一定列入；参与弄虚作假的参与单位请勾选。"),
    )
    valid_from = forms.DateField(label=_("失信记录有效期自"), widget=DATE_WIDGET)
    valid_until = forms.DateField(
        label=_("失信记录有效期至"), widget=DATE_WIDGET, required=False, help_text=_("留空表示长期有效。")
    )
    confirm = forms.BooleanField(
        label=_("我已核实上述事实，确认撤销该联合体的备案并将所列单位列入失信信息记录。此操作不可撤回。"),
        error_messages={"required": _("请勾选确认：撤销备案不可撤回。")},
    )

    def __init__(self, *args, consortium: Consortium, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["valid_from"].initial = today
        self.fields["valid_until"].initial = latest_end(today, SUGGESTED_RECORD_YEARS)
        self.fields["members"].queryset = Organisation.objects.filter(memberships__consortium=consortium).distinct()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("截止日期不能早于起始日期。"))
        return cleaned


class ProvincialRecognitionForm(forms.Form):
    recognised_on = forms.DateField(label=_("认定日期"), widget=DATE_WIDGET)
    document_number = forms.CharField(label=_("认定文件文号"), max_length=100, required=False)
    document = forms.FileField(label=_("认定文件（PDF）"), widget=forms.ClearableFileInput(attrs=dict(PDF_ONLY)))
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_recognised_on(self):
        value = self.cleaned_data["recognised_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("认定日期不能晚于今天。"))
        return value


class EndRecordForm(forms.Form):
    reason = forms.CharField(
        label=_("提前终止理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("例如：经复核撤销原处理决定、信用修复完成等。理由、操作人和日期将保留在记录中。"),
    )


class DishonestySearchForm(forms.Form):
    q = forms.CharField(label=_("单位名称或统一社会信用代码"), required=False, max_length=200)
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), (IN_FORCE, _("有效")), (NOT_IN_FORCE, _("已到期或已终止"))],
    )
