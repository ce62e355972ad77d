"""Pages of the end of a consortium's life. Every consortium is looked up from ``Consortium.objects.visible_to``
(another organisation's consortium is a 404); a role that may not act gets a 403; the services decide the rest and
their refusals are shown on the form, with nothing changed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal.downloads import private_file
from portal.exceptions import DomainError
from portal.models import Role
from portal.spreadsheets import write_csv

from ..models import Consortium, DishonestyRecord, LifecycleDocument
from ..permissions import end_record_refusal
from . import selectors, services
from .forms import (
    CompletionDeclarationForm,
    ConfirmCompletionForm,
    DeclineCompletionForm,
    DishonestySearchForm,
    EndRecordForm,
    ProvincialRecognitionForm,
    RevocationForm,
)


def _visible_consortium(request, pk: int) -> Consortium:
    return get_object_or_404(Consortium.objects.visible_to(request.user).select_related("lead_organisation"), pk=pk)


def _require_role(request, role: str) -> None:
    """The page is for ``role``. A portal administrator also reads the lists city staff read (the dishonesty record
    and its export), but does not act for them: the pages that decide stay city staff's."""
    user = request.user
    if user.role == role:
        return
    admin_readable = {"dishonesty_list", "dishonesty_export"}
    match = request.resolver_match
    if role == Role.CITY_STAFF and user.is_portal_admin and match is not None and match.url_name in admin_readable:
        return
    raise PermissionDenied


def _show_refusal(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _to_consortium(consortium: Consortium):
    return redirect("consortia:detail", pk=consortium.pk)


# --- Completion ------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def declare_completion(request, pk: int):
    _require_role(request, Role.LEAD_UNIT)
    consortium = _visible_consortium(request, pk)
    form = CompletionDeclarationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_completion(
                consortium_id=consortium.pk,
                actor=request.user,
                summary=form.cleaned_data["summary"],
                attachments=form.cleaned_data["attachments"],
            )
        except DomainError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, _("已提交任务完成申报，请等待市科技局确认。"))
            return _to_consortium(consortium)
    return render(request, "consortia/lifecycle/declare.html", {"consortium": consortium, "form": form})


@login_required
def pending_declarations(request):
    _require_role(request, Role.CITY_STAFF)
    page = Paginator(selectors.pending_declarations(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "consortia/lifecycle/declarations.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def decide_completion(request, pk: int, declaration_id: int):
    _require_role(request, Role.CITY_STAFF)
    consortium = _visible_consortium(request, pk)
    declaration = get_object_or_404(
        consortium.completion_declarations.select_related("declared_by", "decided_by"), pk=declaration_id
    )
    decision = request.POST.get("decision") if request.method == "POST" else None
    confirm_form = ConfirmCompletionForm(request.POST if decision == "confirm" else None, prefix="confirm")
    decline_form = DeclineCompletionForm(request.POST if decision == "decline" else None, prefix="decline")
    if decision == "confirm" and confirm_form.is_valid():
        try:
            services.confirm_completion(
                consortium_id=consortium.pk,
                declaration_id=declaration.pk,
                actor=request.user,
                comment=confirm_form.cleaned_data["comment"],
            )
        except DomainError as error:
            _show_refusal(confirm_form, error)
        else:
            messages.success(request, _("已确认任务完成，备案状态变为“任务完成”。"))
            return _to_consortium(consortium)
    elif decision == "decline" and decline_form.is_valid():
        try:
            services.decline_completion(
                consortium_id=consortium.pk,
                declaration_id=declaration.pk,
                actor=request.user,
                reason=decline_form.cleaned_data["reason"],
            )
        except DomainError as error:
            _show_refusal(decline_form, error)
        else:
            messages.success(request, _("已不予确认，并已通知牵头单位。联合体继续处于建设期内。"))
            return _to_consortium(consortium)
    elif request.method == "POST" and decision not in ("confirm", "decline"):
        messages.error(request, _("请选择“确认任务完成”或“不予确认”。"))
    return render(
        request,
        "consortia/lifecycle/decide.html",
        {
            "consortium": consortium,
            "declaration": declaration,
            "attachments": declaration.attachments.all(),
            "confirm_form": confirm_form,
            "decline_form": decline_form,
        },
    )


# --- Revocation and provincial recognition ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, pk: int):
    _require_role(request, Role.CITY_STAFF)
    consortium = _visible_consortium(request, pk)
    form = RevocationForm(request.POST or None, request.FILES or None, consortium=consortium)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.revoke_consortium(
                consortium_id=consortium.pk,
                actor=request.user,
                reason=data["reason"],
                evidence=data["evidence"],
                member_organisation_ids=[organisation.pk for organisation in data["members"]],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        except DomainError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, _("已撤销该联合体的备案，相关单位已列入失信信息记录。"))
            return _to_consortium(consortium)
    return render(request, "consortia/lifecycle/revoke.html", {"consortium": consortium, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def record_recognition(request, pk: int):
    _require_role(request, Role.CITY_STAFF)
    consortium = _visible_consortium(request, pk)
    form = ProvincialRecognitionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_provincial_recognition(
                consortium_id=consortium.pk,
                actor=request.user,
                recognised_on=data["recognised_on"],
                document_number=data["document_number"],
                note=data["note"],
                document=data["document"],
            )
        except DomainError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, _("已记录省级创新联合体认定。"))
            return _to_consortium(consortium)
    return render(request, "consortia/lifecycle/recognition.html", {"consortium": consortium, "form": form})


@login_required
def download_document(request, pk: int, document_id: int):
    """A completion, evidence or recognition PDF, only for those who may see the consortium; evidence of fraud only
    for city staff."""
    consortium = _visible_consortium(request, pk)
    document = get_object_or_404(consortium.lifecycle_documents, pk=document_id)
    if document.kind == LifecycleDocument.Kind.REVOCATION_EVIDENCE and request.user.role != Role.CITY_STAFF:
        raise Http404
    return private_file(document.file.open("rb"), filename=document.original_name)


# --- The dishonesty record ---------------------------------------------------------------------------------------


def _searched_records(request):
    form = DishonestySearchForm(request.GET or None)
    search = state = ""
    if form.is_valid():
        search, state = form.cleaned_data["q"], form.cleaned_data["state"]
    today = timezone.localdate()
    return form, today, selectors.dishonesty_records(user=request.user, search=search, state=state, today=today)


@login_required
def dishonesty_list(request):
    _require_role(request, Role.CITY_STAFF)
    form, today, records = _searched_records(request)
    page = Paginator(records, 20).get_page(request.GET.get("page"))
    for record in page.object_list:
        record.can_end = end_record_refusal(request.user, record, today=today) is None
    return render(request, "consortia/lifecycle/dishonesty_list.html", {"form": form, "page": page})


EXPORT_COLUMNS = (
    gettext_lazy("单位名称"),
    gettext_lazy("统一社会信用代码"),
    gettext_lazy("失信事由"),
    gettext_lazy("有效期自"),
    gettext_lazy("有效期至"),
    gettext_lazy("状态"),
    gettext_lazy("所涉联合体"),
    gettext_lazy("备案编号"),
    gettext_lazy("记录人"),
    gettext_lazy("记录时间"),
    gettext_lazy("提前终止日期"),
    gettext_lazy("提前终止理由"),
    gettext_lazy("终止操作人"),
)


def _export_row(record: DishonestyRecord) -> tuple:
    consortium = record.revocation.consortium if record.revocation else None
    return (
        record.organisation.name,
        record.organisation.uscc,
        record.reason,
        record.valid_from,
        record.valid_until or _("长期"),
        record.state.label,
        consortium.name if consortium else "",
        consortium.filing_number if consortium else "",
        record.recorded_by,
        record.recorded_at,
        record.ended_on,
        record.end_reason,
        record.ended_by,
    )


@login_required
def dishonesty_export(request):
    """The list as filtered, as CSV in UTF-8 with a byte-order mark so that Excel reads the Chinese correctly."""
    _require_role(request, Role.CITY_STAFF)
    _form, today, records = _searched_records(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dishonesty-records-{today.isoformat()}.csv"'
    response["Cache-Control"] = "private, no-store"
    write_csv(response, EXPORT_COLUMNS, (_export_row(record) for record in records.iterator(chunk_size=500)))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def end_record(request, record_id: int):
    _require_role(request, Role.CITY_STAFF)
    record = get_object_or_404(
        DishonestyRecord.objects.visible_to(request.user)
        .with_state(on=timezone.localdate())
        .select_related("organisation", "revocation__consortium"),
        pk=record_id,
    )
    form = EndRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_dishonesty_record(record_id=record.pk, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, _("已提前终止“%(name)s”的失信信息记录。") % {"name": record.organisation.name})
            return redirect("lifecycle:dishonesty_list")
    return render(request, "consortia/lifecycle/end_record.html", {"record": record, "form": form})
