"""Forms of the annual-report pages. They check the shape of the input; the services decide what is allowed. The
editor's forms speak the filing editor's words (``consortia.forms.GuidingForm``) and read amounts as it does
(``AmountField``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consortia.forms import AmountField, BaseOneRowFormSet, GuidingForm, SectionForm, worded_errors

from .changes import change_title
from .models import (
    NARRATIVES,
    RESULT_COUNTS,
    SPENT_FIELDS,
    TALENT_COUNTS,
    AnnualReport,
    ReportFundingLine,
    ReportJointProject,
    ReportReturn,
    ReportSection,
    ReportTaskProgress,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=_("报告年度"))
    deadline = forms.DateField(
        label=_("提交截止日期"), required=False, widget=DATE_WIDGET, help_text=_("不填则为报告年度的12月31日。")
    )


class ReportDecisionForm(forms.Form):
    """City staff's decision on a submitted report: the choices are what the report's table allows them now."""

    decision = forms.ChoiceField(label=_("处理决定"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("退回修改时必须说明需要修改的内容，意见将告知牵头单位。"),
    )
    expected_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, transitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [(t.action, t.label) for t in transitions]


class ReportCommentForm(forms.Form):
    text = forms.CharField(
        label=_("审阅意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("意见仅市科技局和属地主管部门可见。"),
    )


# The report's own fields each section edits beside its narrative.
NUMBERS = {ReportSection.TEAM: ("team_size",), ReportSection.TALENT: TALENT_COUNTS}


class ReportForm(SectionForm, forms.ModelForm):
    """A section's narrative and numbers; ``report_form`` picks the fields."""

    class Meta:
        model = AnnualReport
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_helper()


def report_form(section: str, data, report: AnnualReport) -> ReportForm:
    fields = [NARRATIVES[section], *NUMBERS.get(section, ())]
    form_class = forms.modelform_factory(
        AnnualReport, form=ReportForm, fields=fields, widgets={NARRATIVES[section]: forms.Textarea(attrs={"rows": 8})}
    )
    form = form_class(data, instance=report)
    # The checklist asks for each of them before submission; a section is saved part-filled meanwhile.
    for field in form.fields.values():
        field.required = False
    return form


class ChangeExplanationsForm(forms.Form):
    """What the report says of each change of its period (``changes.period_changes``): one field a change, named by
    the change, each required where it is typed (§5.3.b asks for every change to be explained)."""

    def __init__(self, data=None, *, changes):
        super().__init__(data, prefix="changes")
        self.changes = [change for change, _text in changes]
        for change, text in changes:
            field = forms.CharField(
                label=change_title(change), initial=text, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
            )
            field.error_messages.update(worded_errors(field), required=_("请说明该变更事项及其对本年度建设的影响。"))
            self.fields[f"change_{change.pk}"] = field

    def rows(self) -> list[tuple]:
        """Each change with its bound field, for the page."""
        return [(change, self[f"change_{change.pk}"]) for change in self.changes]

    def explanations(self) -> dict[int, str]:
        """What was typed for each change, by the change's id (after ``is_valid``)."""
        return {change.pk: self.cleaned_data[f"change_{change.pk}"].strip() for change in self.changes}


class UnitRowForm(GuidingForm, forms.ModelForm):
    """A row naming one of the consortium's units (``BaseUnitsFormSet`` hands them in)."""

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = units


class FundingLineForm(UnitRowForm):
    class Meta:
        model = ReportFundingLine
        fields = ["organisation", "planned", "received", *SPENT_FIELDS.values(), "explanation"]
        field_classes = dict.fromkeys(["received", *SPENT_FIELDS.values()], AmountField)
        widgets = {"explanation": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # From the filing's funding plan (``jobs.create_reports``): shown as saved, never read from the request.
        self.fields["planned"].disabled = True

    def clean(self):
        data = super().clean()
        amounts = [data.get(name) for name in ["received", *SPENT_FIELDS.values()]]
        # Asked for where it is typed, not only at submission: an overspend without a reason is never saved.
        if None not in amounts and sum(amounts[1:]) > amounts[0] and not data.get("explanation", "").strip():
            self.add_error("explanation", _("支出合计超过实际到位资金，请说明原因。"))
        return data


class ReturnForm(UnitRowForm):
    class Meta:
        model = ReportReturn
        fields = ["organisation", "amount", "note"]
        field_classes = {"amount": AmountField}
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class BaseOnePerUnitFormSet(BaseOneRowFormSet):
    one_row_per = ("organisation",)
    one_row_message = _("同一单位只能填写一行。")


class JointProjectForm(GuidingForm, forms.ModelForm):
    class Meta:
        model = ReportJointProject
        fields = ["title", "units", "funding_source", "amount"]
        field_classes = {"amount": AmountField}
        widgets = {"units": forms.Textarea(attrs={"rows": 3})}


class TaskProgressForm(GuidingForm, forms.ModelForm):
    class Meta:
        model = ReportTaskProgress
        fields = ["status", *RESULT_COUNTS, "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


FundingLineFormSet = forms.modelformset_factory(
    ReportFundingLine, form=FundingLineForm, formset=BaseOnePerUnitFormSet, extra=1, can_delete=True
)
ReturnFormSet = forms.modelformset_factory(
    ReportReturn, form=ReturnForm, formset=BaseOnePerUnitFormSet, extra=1, can_delete=True
)
JointProjectFormSet = forms.modelformset_factory(ReportJointProject, form=JointProjectForm, extra=1, can_delete=True)
# One row per research task of the filing, made with the report: edited, never added or deleted.
TaskProgressFormSet = forms.modelformset_factory(ReportTaskProgress, form=TaskProgressForm, extra=0, edit_only=True)
