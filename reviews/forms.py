from django import forms
from django.utils.translation import gettext_lazy as _

from consortia.models import Section


class DecisionForm(forms.Form):
    """An officer's decision and opinion; the choices are the actions the transition table allows them now."""

    decision = forms.ChoiceField(label=_("审核决定"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("退回修改、不予推荐、不予备案时必须填写理由，理由将告知牵头单位。"),
    )
    expected_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, transitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.transitions = {t.action: t for t in transitions}
        self.fields["decision"].choices = [(t.action, t.label) for t in transitions]
        for section in Section:
            self.fields[f"section_{section.value}"] = forms.CharField(
                label=section.label, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def clean(self):
        cleaned = super().clean()
        transition = self.transitions.get(cleaned.get("decision"))
        if transition and transition.needs_reason and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("“%(action)s”须填写理由。") % {"action": transition.label})
        return cleaned

    def section_comments(self) -> dict:
        return {section.value: self.cleaned_data.get(f"section_{section.value}", "") for section in Section}

    def section_fields(self):
        return [self[f"section_{section.value}"] for section in Section]
