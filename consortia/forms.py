"""Forms of the filing editor, one per section. Each carries the section's version so that a stale save is caught."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import UsccField
from portal.models import IndustryField, Organisation, PlatformCategory

from .eligibility.rules import period_fault
from .models import (
    ChainPosition,
    Consortium,
    Document,
    EligibilityThresholds,
    FundingLine,
    Governance,
    LeadUnit,
    Membership,
    ResearchTask,
    TechnologyKind,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SectionForm:
    """Mixin: a crispy helper that renders fields only (the template owns the <form> tag and buttons)."""

    def _init_helper(self):
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class NewFilingForm(forms.Form):
    name = forms.CharField(label=_("联合体名称"), max_length=200, help_text=_("例如：南京市第三代半导体器件创新联合体"))


class BasicForm(SectionForm, forms.ModelForm):
    technology_kinds = forms.MultipleChoiceField(
        label=_("攻关技术类型"),
        choices=TechnologyKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("指引第二部分所列三类技术，可多选。"),
    )

    class Meta:
        model = Consortium
        fields = ["name", "field", "technology_kinds", "summary", "goals", "planned_start", "planned_end"]
        widgets = {
            "planned_start": DATE_WIDGET,
            "planned_end": DATE_WIDGET,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "goals": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = IndustryField.objects.filter(is_active=True)
        self.fields["field"].required = True
        self._init_helper()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("planned_start"), cleaned.get("planned_end")
        if start and end:
            fault = period_fault(start, end, years=EligibilityThresholds.load().period_max_years)
            if fault:
                self.add_error("planned_end", fault)
        return cleaned


class LeadForm(SectionForm, forms.ModelForm):
    class Meta:
        model = LeadUnit
        fields = ["head", "revenue_prev_year", "rd_expense_prev_year", "platform_level", "platform_category"]

    def __init__(self, *args, organisation_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform_category"].queryset = PlatformCategory.objects.filter(is_active=True)
        if organisation_kind != Organisation.Kind.PLATFORM:
            del self.fields["platform_level"], self.fields["platform_category"]
        if organisation_kind != Organisation.Kind.ENTERPRISE:
            del self.fields["revenue_prev_year"], self.fields["rd_expense_prev_year"]
        self._init_helper()


class MemberForm(SectionForm, forms.Form):
    """A new member: an organisation found by its USCC, or entered new."""

    uscc = UsccField()
    name = forms.CharField(label=_("单位名称"), max_length=200)
    kind = forms.ChoiceField(label=_("单位类型"), choices=[("", _("请选择")), *Organisation.Kind.choices])
    chain_position = forms.ChoiceField(label=_("产业链位置"), choices=[("", _("请选择")), *ChainPosition.choices])
    independent_legal_entity = forms.BooleanField(
        label=_("确认该单位为独立法人单位"), required=False, help_text=_("指引三（五）：参与单位均应为独立法人单位。")
    )
    capability = forms.CharField(
        label=_("研发能力或科研团队与实验条件"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("企业：研发和技术支撑能力（三（五）1）；高校、院所：科研团队及科研、实验条件（三（五）2）。"),
    )
    role = forms.CharField(label=_("承担的实质性研发工作"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_helper()

    def membership_details(self) -> dict:
        return {
            key: self.cleaned_data[key] for key in ("chain_position", "independent_legal_entity", "capability", "role")
        }


class MembershipForm(SectionForm, forms.ModelForm):
    """An existing member's facts; the organisation itself is not changed here."""

    class Meta:
        model = Membership
        fields = ["chain_position", "independent_legal_entity", "capability", "role"]
        widgets = {"capability": forms.Textarea(attrs={"rows": 3}), "role": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_helper()


class GovernanceForm(SectionForm, forms.ModelForm):
    class Meta:
        model = Governance
        fields = [
            "has_council",
            "council_chair",
            "council_chair_is_lead_head",
            "chief_experts",
            "advisory_committee",
            "operating_mechanism",
        ]
        widgets = {
            "chief_experts": forms.Textarea(attrs={"rows": 3}),
            "advisory_committee": forms.Textarea(attrs={"rows": 3}),
            "operating_mechanism": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_helper()


class TaskForm(forms.ModelForm):
    class Meta:
        model = ResearchTask
        fields = ["title", "kind", "objectives", "indicators", "milestones", "responsible_units"]
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "indicators": forms.Textarea(attrs={"rows": 3}),
            "milestones": forms.Textarea(attrs={"rows": 3}),
            "responsible_units": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_units"].queryset = units


class FundingLineForm(forms.ModelForm):
    class Meta:
        model = FundingLine
        fields = ["organisation", "year", "self_raised", "government", "financial"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = units
        self.fields["year"].widget.attrs.update(min=2000, max=2100)


class BaseUnitsFormSet(forms.BaseModelFormSet):
    """Formsets whose rows choose among the consortium's units (lead and current members)."""

    def __init__(self, *args, units, **kwargs):
        self.units = units
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "units": self.units}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), units=self.units)
        self.add_fields(form, None)
        return form


class BaseFundingFormSet(BaseUnitsFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            key = (form.cleaned_data.get("organisation"), form.cleaned_data.get("year"))
            if key in seen:
                form.add_error("year", _("同一单位同一年度只能有一行经费计划。"))
            seen.add(key)


TaskFormSet = forms.modelformset_factory(
    ResearchTask, form=TaskForm, formset=BaseUnitsFormSet, extra=1, can_delete=True
)
FundingFormSet = forms.modelformset_factory(
    FundingLine, form=FundingLineForm, formset=BaseFundingFormSet, extra=1, can_delete=True
)


class DocumentUploadForm(SectionForm, forms.Form):
    kind = forms.ChoiceField(label=_("材料类型"), choices=Document.Kind.choices)
    file = forms.FileField(
        label=_("文件（PDF）"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        help_text=_("仅限 PDF，单个文件不超过 20 MB。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_helper()


class AgreementForm(SectionForm, forms.ModelForm):
    class Meta:
        model = Consortium
        fields = ["agreement_signed_on", "agreement_all_parties_signed"]
        widgets = {"agreement_signed_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement_signed_on"].required = True
        self._init_helper()

    def clean_agreement_signed_on(self):
        signed_on = self.cleaned_data["agreement_signed_on"]
        if signed_on and signed_on > timezone.localdate():
            raise forms.ValidationError(_("签署日期不能晚于今天。"))
        return signed_on
