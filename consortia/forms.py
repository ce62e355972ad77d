"""Forms of the filing editor, one per section. Each carries the section's version so that a stale save is caught."""

import re
import unicodedata

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import UsccField
from portal.models import IndustryField, Organisation, PlatformCategory

from .eligibility.periods import period_fault
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
# From this length on a text may run into its limit, so the page counts what is left (static/js/char-count.js); a
# person's name (64) never comes near it.
COUNTED_FROM = 100
# An amount as people write it: digits and at most one decimal point, maybe a minus (refused with its own message).
PLAIN_DECIMAL = re.compile(r"-?(\d+(\.\d*)?|\.\d+)", re.ASCII)


def worded_errors(field: forms.Field) -> dict:
    """The messages of ``field``'s errors in the filing's words, naming the field by its label, instead of Django's
    sentences that name no field ("这个字段是必填项", "确保该变量包含不超过 200 个字符")."""
    label = field.label
    choose = isinstance(field, forms.ChoiceField | forms.FileField)
    words = {"required": (_("请选择%(label)s。") if choose else _("请填写%(label)s。")) % {"label": label}}
    if isinstance(field, forms.ChoiceField):
        again = _("请从列表中重新选择%(label)s。") % {"label": label}
        words.update(invalid_choice=again, invalid_list=again, invalid_pk_value=again)
    if isinstance(field, forms.CharField) and field.max_length:
        words["max_length"] = _("%(label)s最多 %(limit)s 个字。") % {"label": label, "limit": field.max_length}
    if isinstance(field, forms.DateField):
        words["invalid"] = _("%(label)s请按“年-月-日”填写，例如 2026-01-01。") % {"label": label}
    if isinstance(field, forms.IntegerField):
        if not isinstance(field, forms.DecimalField):
            words["invalid"] = _("%(label)s请填写整数。") % {"label": label}
        if field.min_value == 0:  # the editor's only lower limit: years and amounts
            words["min_value"] = _("%(label)s不能为负数。") % {"label": label}
    if isinstance(field, forms.DecimalField):  # amounts, from model fields that set both limits
        digits, places = field.max_digits - field.decimal_places, field.decimal_places
        whole = _("%(label)s最多 %(digits)s 位整数。") % {"label": label, "digits": digits}
        words.update(max_digits=whole, max_whole_digits=whole)
        words["max_decimal_places"] = _("%(label)s最多保留 %(places)s 位小数。") % {"label": label, "places": places}
    return words


class GuidingForm:
    """Mixin for the editor's forms: errors in the filing's words (``worded_errors``), and long texts with a limit
    marked for the counter of what is left (the text carries the translated words, the script only the count)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.update(worded_errors(field))
            if isinstance(field, forms.CharField) and (field.max_length or 0) >= COUNTED_FROM:
                # Translators: the page's script puts the number in for %(count)s as one types.
                field.widget.attrs["data-char-count"] = _("还可输入 %(count)s 个字")


class AmountField(forms.DecimalField):
    """An amount in 万元, never negative, written as a plain decimal. Python's ``Decimal`` also reads ``1e3`` and
    ``Infinity``, which nobody means in a funding plan; full-width digits (an input method's) are read as digits. A
    text input, not type=number: a browser sends an empty value for what it cannot parse, and the person would be
    told to fill in what they had filled in."""

    default_error_messages = {"invalid": _("请填写数字，例如 1200.50（单位：万元）。")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value not in self.empty_values:
            value = unicodedata.normalize("NFKC", str(value)).strip()
            if not PLAIN_DECIMAL.fullmatch(value):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def same_name_key(name: str) -> str:
    """A unit's name as compared: full-width and half-width forms alike, spaces left out."""
    return "".join(unicodedata.normalize("NFKC", name).split())


class SectionForm(GuidingForm):
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
        field_classes = {"revenue_prev_year": AmountField, "rd_expense_prev_year": AmountField}

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

    def registered_facts_notice(self, organisation: Organisation) -> str | None:
        """What to tell the lead unit when the USCC it typed is in the portal with another name or kind than typed:
        the member was added as registered, and what it typed was not used. Names that differ only in width or
        spacing (“（南京）” and “(南京)”) are the same name."""
        typed_name, typed_kind = self.cleaned_data["name"], self.cleaned_data["kind"]
        other_name = same_name_key(typed_name) != same_name_key(organisation.name)
        other_kind = typed_kind != organisation.kind
        facts = {
            "uscc": organisation.uscc,
            "name": organisation.name,
            "kind": organisation.get_kind_display(),
            "typed_name": typed_name,
            "typed_kind": Organisation.Kind(typed_kind).label,
        }
        # Whole sentences for the translators, one for each way the typed facts can differ.
        notices = {
            (True, True): _(
                "统一社会信用代码 %(uscc)s 已登记为“%(name)s”（%(kind)s），已按登记信息添加；"
                "您填写的名称“%(typed_name)s”和单位类型“%(typed_kind)s”未采用。"
            ),
            (True, False): _(
                "统一社会信用代码 %(uscc)s 已登记为“%(name)s”（%(kind)s），已按登记信息添加；"
                "您填写的名称“%(typed_name)s”未采用。"
            ),
            (False, True): _(
                "统一社会信用代码 %(uscc)s 已登记为“%(name)s”（%(kind)s），已按登记信息添加；"
                "您选择的单位类型“%(typed_kind)s”未采用。"
            ),
        }
        notice = notices.get((other_name, other_kind))
        return notice % facts if notice else None


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


class TaskForm(GuidingForm, forms.ModelForm):
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


class FundingLineForm(GuidingForm, forms.ModelForm):
    class Meta:
        model = FundingLine
        fields = ["organisation", "year", "self_raised", "government", "financial"]
        field_classes = {"self_raised": AmountField, "government": AmountField, "financial": AmountField}

    def __init__(self, *args, units=None, period=None, **kwargs):
        """``period``: the planned start and end dates of the basic section, either of them None while unset."""
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = units
        start, end = period or (None, None)
        # Money planned for a year outside the construction period funds nothing; without a period any year goes.
        self.years = range(start.year, end.year + 1) if start and end else None
        first, last = (self.years[0], self.years[-1]) if self.years else (2000, 2100)
        self.fields["year"].widget.attrs.update(min=first, max=last)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if self.years and year not in self.years:
            first, last = self.years[0], self.years[-1]
            if first == last:
                raise ValidationError(_("年度须为计划建设期所在的 %(year)s 年。") % {"year": first})
            raise ValidationError(_("年度须在计划建设期 %(first)s—%(last)s 年之内。") % {"first": first, "last": last})
        return year


class BaseUnitsFormSet(forms.BaseModelFormSet):
    """Formsets whose rows choose among the consortium's units (lead and current members)."""

    def __init__(self, *args, units, **kwargs):
        self.units = units
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "units": self.units}


class BaseOneRowFormSet(BaseUnitsFormSet):
    """Rows no two of which share the values of ``one_row_per`` (a unique constraint whose owner the rows leave out),
    said at the last of those fields instead of an IntegrityError; also the annual report's funding tables."""

    one_row_per: tuple[str, ...]
    one_row_message: str

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            key = tuple(form.cleaned_data.get(name) for name in self.one_row_per)
            if key in seen:
                form.add_error(self.one_row_per[-1], self.one_row_message)
            seen.add(key)


class BaseFundingFormSet(BaseOneRowFormSet):
    one_row_per = ("organisation", "year")
    one_row_message = _("同一单位同一年度只能有一行经费计划。")


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
