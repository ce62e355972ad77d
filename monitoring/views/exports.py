"""The portfolio list as a file: at once when small, else an export job whose page shows its progress and, once
written, the download — for the user who asked alone (anybody else: 404)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from portal.downloads import private_file

from .. import exports
from ..models import ExportJob, Format, Sheet
from ..services import export_now, queue_export

# Parameters that say what to do with the list, not which list: left out of the filters an export keeps.
NOT_FILTERS = ("export", "sheet", "page")
REFRESH_SECONDS = 3


class ExportForm(forms.Form):
    export = forms.ChoiceField(label=gettext_lazy("文件格式"), choices=Format.choices)
    sheet = forms.ChoiceField(label=gettext_lazy("导出内容"), choices=Sheet.choices, required=False)


def list_query(query) -> str:
    """The list's query string without what asks for a file or a page."""
    kept = query.copy()
    for name in NOT_FILTERS:
        kept.pop(name, None)
    return kept.urlencode()


def portfolio_url(filters: str) -> str:
    url = reverse("monitoring:portfolio")
    return f"{url}?{filters}" if filters else url


def export_list(request, filterset):
    """``?export=xlsx|csv&sheet=consortia|members|reports`` on the list: the rows of exactly the list on screen."""
    filters = list_query(request.GET)
    form = ExportForm(request.GET)
    if not form.is_valid() or not filterset.is_valid():
        messages.error(request, _("无法导出：导出参数或筛选条件有误，请修正后重试。"))
        return redirect(portfolio_url(filters))
    user = request.user
    sheet, file_format = form.cleaned_data["sheet"] or Sheet.CONSORTIA, form.cleaned_data["export"]
    consortia = filterset.qs
    rows = exports.count_rows(sheet, consortia)
    if rows > settings.EXPORT_ASYNC_THRESHOLD:
        job = queue_export(user=user, filters=filters, sheet=sheet, format=file_format, rows=rows)
        messages.info(request, _("共 %(rows)d 行，文件将在后台生成，完成后会通知您。") % {"rows": rows})
        return redirect("monitoring:export_job", pk=job.pk)
    stream = export_now(
        user=user, request=request, consortia=consortia, sheet=sheet, format=file_format, filters=filters
    )
    return private_file(
        stream,
        filename=exports.filename(sheet, file_format, on=timezone.localdate()),
        content_type=exports.CONTENT_TYPES[file_format],
    )


def _own_job(request, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob.objects.filter(requested_by=request.user), pk=pk)


@login_required
@require_GET
def export_job(request, pk: int):
    job = _own_job(request, pk)
    return render(
        request,
        "monitoring/export_job.html",
        {"job": job, "list_url": portfolio_url(job.filters), "refresh_seconds": REFRESH_SECONDS},
    )


@login_required
@require_GET
def export_download(request, pk: int):
    job = _own_job(request, pk)
    if not job.is_downloadable:
        raise Http404
    try:
        stream = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return private_file(
        stream,
        filename=exports.filename(job.sheet, job.format, on=timezone.localdate(job.created_at)),
        content_type=exports.CONTENT_TYPES[job.format],
    )
