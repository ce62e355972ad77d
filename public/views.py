"""The public list, open without login: the page (searchable, filtered, 25 a page) and the same list as CSV.

Neither sets a cookie: no session or message is touched, the search form is a GET (no CSRF token) and the page
stands on its own base template (``public/base.html``), without the portal's language switch, which posts.
"""

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import IndustryField
from portal.pagination import IdsFirstPaginator
from portal.spreadsheets import write_csv

from .selectors import public_consortia, public_entries, public_entry, public_statuses

PAGE_SIZE = 25


class PublicSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("搜索"), required=False, max_length=100)
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    field = forms.ModelChoiceField(
        label=gettext_lazy("产业领域"),
        required=False,
        queryset=IndustryField.objects.all(),
        to_field_name="code",
        empty_label=gettext_lazy("全部领域"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read per request: whether revoked consortia are listed is a setting.
        self.fields["status"].choices = [("", _("全部状态"))] + [(s.value, s.label) for s in public_statuses()]
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("联合体名称、牵头单位或备案编号"), "class": "form-control", "type": "search"}
        )
        self.fields["status"].widget.attrs["class"] = "form-select"
        self.fields["field"].widget.attrs["class"] = "form-select"


def _searched(request):
    """The form and the consortia it selects; with a wrong value in it, none (and the form says why)."""
    form = PublicSearchForm(request.GET)
    if not form.is_valid():
        return form, public_consortia().none()
    field = form.cleaned_data["field"]
    consortia = public_consortia(
        text=form.cleaned_data["q"], status=form.cleaned_data["status"], field=field.code if field else ""
    )
    return form, consortia


def public_list(request):
    form, consortia = _searched(request)
    page = IdsFirstPaginator(consortia, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [public_entry(consortium) for consortium in page.object_list]
    searched = any(request.GET.get(name) for name in form.fields)
    return render(request, "public/list.html", {"form": form, "page": page, "searched": searched})


def public_csv(request):
    _form, consortia = _searched(request)
    headers = [_("备案编号"), _("联合体名称"), _("牵头单位"), _("产业领域"), _("建设期"), _("状态")]
    rows = (
        [entry.filing_number, entry.name, entry.lead_unit, entry.field, entry.construction_period, entry.status_label]
        for entry in public_entries(consortia)
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = _("市级创新联合体备案名单-%(date)s.csv") % {"date": timezone.localdate().strftime("%Y%m%d")}
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Public, but the list changes with every filing and revocation: a cache must ask again each time.
    response["Cache-Control"] = "no-cache"
    write_csv(response, headers, rows)
    return response
