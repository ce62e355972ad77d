"""The filters of the audit trail (``views.audit``): by user, event type and action, object, and day."""

from datetime import date, datetime, time, timedelta
from pathlib import Path

import django_filters
from django import forms
from django.apps import apps
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def start_of_day(day: date) -> datetime:
    """Midnight at the start of ``day`` in the portal's time zone (Asia/Shanghai), whoever is looking."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def object_type_choices() -> list[tuple[str, str]]:
    """The models of the portal's own apps (a folder at the root of the repository), as audit events name them."""
    root = Path(settings.BASE_DIR)
    return sorted(
        (model._meta.label_lower, f"{model._meta.verbose_name}（{model._meta.label_lower}）")
        for model in apps.get_models()
        if Path(apps.get_app_config(model._meta.app_label).path).parent == root
    )


class AuditEventForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("occurred_from"), cleaned.get("occurred_to")
        if start and end and start > end:
            self.add_error("occurred_to", gettext("截止日期不能早于起始日期。"))
        return cleaned


class AuditEventFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(label=_("用户"), method="by_user", help_text=_("用户名包含"))
    event_type = django_filters.ChoiceFilter(
        label=_("事件类型"), choices=AuditEvent.Type.choices, empty_label=_("全部类型")
    )
    action = django_filters.CharFilter(
        label=_("操作"), field_name="changes__action", help_text=_("内容中的操作代码，如 approve")
    )
    object_type = django_filters.ChoiceFilter(label=_("对象类型"), choices=object_type_choices, empty_label=_("全部"))
    object_id = django_filters.CharFilter(label=_("对象编号"))
    occurred_from = django_filters.DateFilter(label=_("起始日期"), method="from_day", widget=DATE)
    occurred_to = django_filters.DateFilter(label=_("截止日期"), method="to_day", widget=DATE)

    class Meta:
        model = AuditEvent
        fields = []
        form = AuditEventForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Bootstrap's classes, as on the other lists: the template renders each label and widget itself.
        for field in self.form.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if is_select else "form-control")

    def by_user(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """The name as recorded (also of a failed login without an account) or the account's current one."""
        return queryset.filter(Q(username__icontains=value) | Q(actor__username__icontains=value))

    # Ranges on the column itself, not on its date, so that the index on ``occurred_at`` serves them; the days are
    # Asia/Shanghai's, as shown on the page.
    def from_day(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        return queryset.filter(occurred_at__gte=start_of_day(value))

    def to_day(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        if value == date.max:  # no day after it: nothing to leave out
            return queryset
        return queryset.filter(occurred_at__lt=start_of_day(value + timedelta(days=1)))

    def applied(self) -> dict[str, str]:
        """The filters in use, as text: what an export records of them."""
        return {name: str(value) for name, value in self.form.cleaned_data.items() if value not in (None, "")}
