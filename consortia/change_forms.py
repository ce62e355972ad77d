"""Forms of the change pages, one per kind of change. They check the shape of the input; ``consortia.changes``
decides what is allowed (the lead unit, the joining member's conditions, the dates, the agreement)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import DATE_WIDGET, MemberForm
from .models import Consortium

PDF_ONLY = {"accept": "application/pdf,.pdf"}


class ChangeForm(forms.Form):
    """What every change carries (guideline §5.3.b): when it took effect, what and why, the supplementary agreement."""

    effective_on = forms.DateField(
        label=_("生效日期"),
        widget=DATE_WIDGET,
        help_text=_("补充协议约定的生效日期：不能晚于今天，也不能早于备案日期。"),
    )
    explanation = forms.CharField(
        label=_("变更说明"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("变更的内容和理由，将在年度报告中予以说明。"),
    )
    agreement = forms.FileField(
        label=_("补充协议（PDF）"),
        widget=forms.ClearableFileInput(attrs=PDF_ONLY),
        help_text=_("各方签署的补充协议，须为 PDF。记录后不能删除或替换。"),
    )

    def __init__(self, *args, consortium: Consortium, **kwargs):
        # Every change's form is built alike; the consortium is what a kind's choices may come from.
        super().__init__(*args, **kwargs)


class MemberJoinedForm(ChangeForm, MemberForm):
    """A unit joins: the facts asked of a member at filing, then the change's."""

    field_order = [*MemberForm.base_fields, *ChangeForm.base_fields]


class MemberLeftForm(ChangeForm):
    membership = forms.ModelChoiceField(label=_("退出的参与单位"), queryset=None)

    field_order = ["membership", *ChangeForm.base_fields]

    def __init__(self, *args, consortium: Consortium, **kwargs):
        super().__init__(*args, consortium=consortium, **kwargs)
        self.fields["membership"].queryset = consortium.memberships.filter(left_on__isnull=True).select_related(
            "organisation"
        )
