from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from .models import Organisation
from .uscc import normalise_uscc, validate_uscc


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。请注意：连续多次输入错误，账户将被临时锁定。"),
        "inactive": _("该账户已停用，请联系系统管理员。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")


class PortalPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("修改密码")))


class UsccField(forms.CharField):
    """A USCC as users type it (spaces, lower case): normalised, then checked with a message naming the problem."""

    default_validators = [validate_uscc]

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("统一社会信用代码"))
        kwargs.setdefault("help_text", _("18 位，见营业执照或登记证书；字母不区分大小写，空格会被忽略。"))
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalise_uscc(super().to_python(value))


class OrganisationForm(forms.ModelForm):
    uscc = UsccField()

    class Meta:
        model = Organisation
        fields = ["name", "uscc", "kind", "jurisdiction", "address", "contact_name", "contact_phone", "contact_email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = self.fields["jurisdiction"].queryset.filter(is_active=True)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("保存")))
