"""The public list, open without login: the page (searchable, filtered, 25 a page) and the same list as CSV.

Neither sets a cookie: no session or message is touched, the search form is a GET (no CSRF token) and the page
stands on its own base template (``public/base.html``), without the portal's language switch, which posts.

The verification page of a filing notice (``verify``, /verify/<code>/, issue 17) sets none either: it shows what
``reviews.verification`` says of the code and hashes an uploaded PDF as it arrives, keeping none of it.
"""

import hashlib
from datetime import timedelta

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from consortia.states import Status
from portal.models import AuditEvent, IndustryField
from portal.pagination import IdsFirstPaginator
from portal.services import record_audit
from portal.spreadsheets import write_csv
from portal.throttle import AddressLimit
from reviews.verification import find_notice

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


# --- Verification of a filing notice (/verify/<code>/) ------------------------------------------------------------

# Every lookup and upload is audited under this action and counts towards the address's limit.
VERIFY_ACTION = "verify_notice"
VERIFICATIONS = AddressLimit(
    name="notice_verification",
    events=Q(event_type=AuditEvent.Type.RECORD_CHANGED, changes__action=VERIFY_ACTION),
    limit=30,
    window=timedelta(minutes=10),
)
# A notice is one or two pages, well under a megabyte; anything far larger cannot be one and is not read on.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALERTS = {Status.REVOKED: "danger", Status.EXPIRED: "warning", Status.COMPLETED: "info", Status.ACTIVE: "success"}


class HashedUpload:
    """What remains of an uploaded file: its SHA-256 and size. ``close`` is what Django calls on every upload."""

    def __init__(self, sha256: str, size: int):
        self.sha256, self.size = sha256, size

    def close(self) -> None:
        pass


class HashingUploadHandler(FileUploadHandler):
    """Hashes the upload chunk by chunk as it arrives and keeps no byte of it: no file in memory, none in the
    temporary directory (Django's own handlers would keep it in one or the other), nothing under MEDIA_ROOT."""

    too_large = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.digest = hashlib.sha256()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > MAX_UPLOAD_BYTES:
            self.too_large = True
            raise StopUpload(connection_reset=True)
        self.digest.update(raw_data)
        return None  # nothing for any handler after this one

    def file_complete(self, file_size):
        return HashedUpload(self.digest.hexdigest(), file_size)


def _verify_answer(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    # The status a page shows changes with a revocation or an expiry: a cache must ask again each time.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# Exempt from CSRF because the public form must work without any cookie (Django's CSRF token lives in one) and a
# forged post can do nothing: the form changes nothing and stores nothing, it only compares a file with a hash.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def verify(request, code: str):
    handler = HashingUploadHandler(request)
    if request.method == "POST":
        request.upload_handlers = [handler]  # before anything reads the body
    wait = VERIFICATIONS.wait_minutes(request)
    if wait:
        VERIFICATIONS.record_refusal(request=request, username="", wait=wait)
        message = _("核验过于频繁，请 %(minutes)d 分钟后再试。") % {"minutes": wait}
        return _verify_answer(request, "public/verify_message.html", {"message": message}, status=429)
    upload = request.FILES.get("document") if request.method == "POST" else None
    notice = find_notice(code)
    record_audit(
        event_type=AuditEvent.Type.RECORD_CHANGED,
        request=request,
        # A prefix only: the audit log is no list of valid codes.
        changes={"action": VERIFY_ACTION, "code_prefix": code[:4], "found": notice is not None, "upload": bool(upload)},
    )
    if notice is None:
        # One answer for every code not found, well-formed or not: nothing says whether a code exists.
        message = _("未找到该验证码对应的备案通知书")
        return _verify_answer(request, "public/verify_message.html", {"message": message}, status=404)
    context = {"notice": notice, "alert": ALERTS.get(notice.status, "secondary")}
    if request.method == "POST":
        if handler.too_large:
            context["upload_error"] = _("文件超过 20 MB，不是本平台出具的备案通知书。")
        elif upload is None:
            context["upload_error"] = _("请选择要核验的 PDF 文件。")
        else:
            context["upload"] = upload
            context["matches"] = upload.sha256 == notice.sha256
    return _verify_answer(request, "public/verify.html", context)
