"""The list of filings, a new draft, the overview page and the exchange-format export."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.exceptions import DomainError

from ..forms import NewFilingForm
from ..models import Consortium
from ..permissions import edit_refusal
from ..selectors import filing_as_seen, section_checklist
from ..services import create_filing
from ..states import Status
from .common import visible_filing


@login_required
def filing_list(request):
    filings = (
        Consortium.objects.visible_to(request.user)
        .select_related("field", "lead_organisation")
        .order_by("-updated_at", "-id")
    )
    page = Paginator(filings, 20).get_page(request.GET.get("page"))
    return render(request, "consortia/list.html", {"page": page})


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
    response = HttpResponse(
        json.dumps(filing_as_seen(request.user, consortium).document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="consortium-{consortium.pk}.json"'
    return response
