from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Organisation, User
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


class RegistrationOrganisationForm(OrganisationForm):
    """The organisation part of self-registration. A USCC already registered is refused by the service, which tells
    the user whom to ask, so the model's generic uniqueness message is not used here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False
        self.helper.inputs = []
        for name in ("jurisdiction", "address", "contact_name", "contact_phone", "contact_email"):
            self.fields[name].required = True

    def validate_unique(self):
        exclude = self._get_validation_exclusions()
        exclude.add("uscc")
        self.instance.validate_unique(exclude=exclude)


class AccountForm(forms.Form):
    """A lead-unit user's own account: used at registration and when a colleague is added."""

    username = forms.RegexField(
        label=_("用户名"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text=_("登录时使用，字母、数字或 @ . + - _。"),
    )
    last_name = forms.CharField(label=_("姓名"), max_length=150)
    email = forms.EmailField(label=_("电子邮箱"), help_text=_("接收审核结果等通知。"))
    phone = forms.CharField(label=_("手机号码"), max_length=32, required=False)
    password1 = forms.CharField(label=_("密码"), strip=False, widget=forms.PasswordInput(render_value=False))
    password2 = forms.CharField(label=_("确认密码"), strip=False, widget=forms.PasswordInput(render_value=False))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif password1:
            candidate = User(username=cleaned.get("username", ""), last_name=cleaned.get("last_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def account_data(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("username", "last_name", "email", "phone")}


class TwoFactorCodeForm(forms.Form):
    """The second factor: the six digits an authenticator app shows, or (where allowed) one backup code."""

    code = forms.CharField(
        label=_("验证码"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}),
    )

    def __init__(self, *args, backup_allowed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if backup_allowed:
            self.fields["code"].help_text = _("输入身份验证器显示的 6 位数字，或一个备用码（每个备用码只能使用一次）。")
        else:
            self.fields["code"].label = _("身份验证器显示的 6 位数字")
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
