"""The list of filings, a new draft, the overview page and the exchange-format export."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError
from portal.models import Role

from ..forms import NewFilingForm
from ..models import Consortium, Section
from ..permissions import acting_role, edit_refusal
from ..selectors import filing_as_seen, open_remarks, section_checklist
from ..services import create_filing, delete_draft
from ..states import Status
from .common import editable_filing, visible_filing


@login_required
def filing_list(request):
    """A lead unit's filings. Reviewers list every filing they see on the portfolio list, with its filters and
    exports."""
    if acting_role(request.user) != Role.LEAD_UNIT:
        return redirect("monitoring:portfolio")
    filings = Consortium.objects.visible_to(request.user)
    # A withdrawn filing can no longer be edited or submitted: it is listed only when asked for (?withdrawn=1).
    show_withdrawn = request.GET.get("withdrawn") == "1"
    withdrawn_count = filings.filter(status=Status.WITHDRAWN).count()
    if not show_withdrawn:
        filings = filings.exclude(status=Status.WITHDRAWN)
    filings = filings.select_related("field", "lead_organisation").order_by("-updated_at", "-id")
    page = Paginator(filings, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "consortia/list.html",
        {"page": page, "show_withdrawn": show_withdrawn, "withdrawn_count": withdrawn_count},
    )


@login_required
def new_filing(request):
    if not request.user.is_lead_unit:
        raise PermissionDenied
    form = NewFilingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consortium = create_filing(actor=request.user, name=form.cleaned_data["name"])
        except DomainError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("已创建备案草稿，请逐项填写。每一部分单独保存。"))
            return redirect("consortia:edit", pk=consortium.pk, section="basic")
    return render(request, "consortia/new.html", {"form": form})


@require_POST
@login_required
def delete_filing(request, pk: int):
    """Delete a never-submitted draft (the service refuses anything else), then back to the list it has left."""
    editable_filing(request, pk)
    try:
        delete_draft(consortium_id=pk, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("consortia:detail", pk=pk)
    messages.success(request, _("备案草稿已删除。"))
    return redirect("consortia:list")


@login_required
def filing_detail(request, pk: int):
    consortium = visible_filing(request, pk)
    seen = filing_as_seen(request.user, consortium)
    return render(
        request,
        "consortia/detail.html",
        {
            "consortium": consortium,
            "document": seen.document,
            "details": seen.details,
            "seen_submission": seen.submission,
            "name": seen.document.get("name") or consortium,
            "checklist": section_checklist(consortium),
            "can_edit": edit_refusal(request.user, consortium) is None,
            # 继续填写 opens the first section a return remarked on: that is where the lead unit has work to do.
            "continue_section": next(iter(open_remarks(consortium)), Section.BASIC),
            "events": consortium.events.select_related("actor"),
            "submissions": consortium.submissions.select_related("submitted_by"),
            # A returned or refused filing shows the reviewer's opinion at the top, section remarks included.
            "last_opinion": consortium.opinions.select_related("reviewer").last()
            if consortium.status in (Status.RETURNED, Status.REJECTED)
            else None,
        },
    )


@login_required
def export_filing(request, pk: int):
    consortium = visible_filing(request, pk)
    document = filing_as_seen(request.user, consortium).document
    if consortium.start_date:
        # Once approved, the period is the one the approval set; the planned one stays in the submission.
        period = {"start": consortium.start_date.isoformat(), "end": consortium.end_date.isoformat()}
        document = {**document, "period": period}
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="consortium-{consortium.pk}.json"'
    return response
