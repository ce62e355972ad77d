from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consortia.forms import DATE_WIDGET
from consortia.models import EligibilityThresholds, Section
from portal.exceptions import DomainError

from .services import construction_period

APPROVE = "approve"


class DecisionForm(forms.Form):
    """An officer's decision and opinion; the choices are the actions the transition table allows them now."""

    decision = forms.ChoiceField(label=_("审核决定"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("退回修改、不予推荐、不予备案时必须填写理由，理由将告知牵头单位。"),
    )
    # The construction period an approval sets: offered at the defaults of ``construction_period``, which city staff
    # may change within the rule. Only read when the decision is to approve.
    start_date = forms.DateField(
        label=_("建设期开始日期"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("默认为计划开始日期；批准晚于计划开始日期的，自批准之日起。不得早于批准之日。"),
    )
    end_date = forms.DateField(
        label=_("建设期结束日期"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("默认为计划结束日期，但不超过自开始日期起的规定年限。"),
    )
    expected_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, transitions, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.transitions = {t.action: t for t in transitions}
        self.fields["decision"].choices = [(t.action, t.label) for t in transitions]
        self.consortium = consortium
        if APPROVE in self.transitions:
            self.approved_on = timezone.localdate()
            self.years = EligibilityThresholds.load().period_max_years
            start, end = self.period()
            self.fields["start_date"].initial, self.fields["end_date"].initial = start, end
        else:
            del self.fields["start_date"], self.fields["end_date"]
        for section in Section:
            self.fields[f"section_{section.value}"] = forms.CharField(
                label=section.label, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def clean(self):
        cleaned = super().clean()
        transition = self.transitions.get(cleaned.get("decision"))
        if transition and transition.needs_reason and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("“%(action)s”须填写理由。") % {"action": transition.label})
        if cleaned.get("decision") != APPROVE:
            # Dates typed before choosing another decision are not a period anybody approved.
            cleaned["start_date"] = cleaned["end_date"] = None
        elif not (self.has_error("start_date") or self.has_error("end_date")):
            try:
                self.period(start=cleaned.get("start_date"), end=cleaned.get("end_date"))
            except DomainError as error:
                self.add_error(error.field, error.message)
        return cleaned

    def period(self, *, start=None, end=None):
        """The period an approval today would set, by the same function (and refusals) as the approval itself."""
        return construction_period(
            planned_start=self.consortium.planned_start,
            planned_end=self.consortium.planned_end,
            approved_on=self.approved_on,
            years=self.years,
            start=start,
            end=end,
        )

    def section_comments(self) -> dict:
        return {section.value: self.cleaned_data.get(f"section_{section.value}", "") for section in Section}

    def section_fields(self):
        return [self[f"section_{section.value}"] for section in Section]
