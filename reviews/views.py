"""District and city review: the queues, the review page with the decision, the filing notice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from consortia.comparison import compare_filings
from consortia.models import Consortium
from consortia.permissions import acting_role
from consortia.states import Status
from consortia.workflow.transitions import actions_from
from portal.downloads import private_file
from portal.exceptions import DomainError
from portal.models import Role

from .filters import QueueFilter
from .forms import DecisionForm
from .selectors import records_in_force, review_queue, status_counts, with_submission_counts
from .services import CITY_DECISIONS, DISTRICT_DECISIONS, reissue_notice, reissue_refusal, review_filing

REVIEWER_ROLES = {Role.DISTRICT_OFFICER, Role.CITY_STAFF, Role.ADMIN}
REVIEW_DECISIONS = frozenset(DISTRICT_DECISIONS + CITY_DECISIONS)
DEFAULT_STATUS = {Role.DISTRICT_OFFICER: Status.DISTRICT_REVIEW, Role.CITY_STAFF: Status.CITY_REVIEW}


def reviewer(request):
    if acting_role(request.user) not in REVIEWER_ROLES:
        raise PermissionDenied
    return request.user


@login_required
def queue(request):
    user = reviewer(request)
    data = request.GET.copy()
    data.setdefault("status", DEFAULT_STATUS.get(user.role, ""))
    data.setdefault("o", "submitted_at")
    base = review_queue(user)
    counts = status_counts(base)
    filterset = QueueFilter(data, queryset=base, user=user)
    rows = filterset.qs
    rows = rows.order_by(*rows.query.order_by, "pk")  # a stable order through the pages when submitted_at ties
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    page.object_list = with_submission_counts(page.object_list)
    return render(
        request,
        "reviews/queue.html",
        {
            "filter": filterset,
            "page": page,
            "status_tabs": [(value, label, counts.get(value, 0)) for value, label in Status.choices if value in counts],
        },
    )


@login_required
def review(request, pk: int):
    user = reviewer(request)
    consortium = get_object_or_404(Consortium.objects.visible_to(user).select_related("lead_organisation"), pk=pk)
    submissions = list(consortium.submissions.select_related("submitted_by").order_by("number"))
    current = submissions[-1] if submissions else None
    previous = submissions[-2] if len(submissions) > 1 else None
    # Only the review decisions: completion and revocation have their own pages (consortia.lifecycle).
    transitions = [t for t in actions_from(consortium.status, acting_role(user)) if t.action in REVIEW_DECISIONS]
    form = None
    if transitions and current:
        form = DecisionForm(
            request.POST or None,
            transitions=transitions,
            consortium=consortium,
            initial={"expected_status": consortium.status},
        )
        if request.method == "POST" and form.is_valid():
            try:
                review_filing(
                    consortium_id=pk,
                    actor=user,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                    section_comments=form.section_comments(),
                    expected_status=form.cleaned_data["expected_status"],
                    start_date=form.cleaned_data.get("start_date"),
                    end_date=form.cleaned_data.get("end_date"),
                )
            except DomainError as error:
                messages.error(request, error.message)
                return redirect("reviews:review", pk=pk)
            messages.success(
                request,
                _("已办理：%(decision)s。") % {"decision": form.transitions[form.cleaned_data["decision"]].label},
            )
            return redirect("reviews:review", pk=pk)
    elif request.method == "POST":
        messages.error(request, _("该备案当前没有您可以办理的事项。"))
        return redirect("reviews:review", pk=pk)
    return render(
        request,
        "reviews/review.html",
        {
            "consortium": consortium,
            # The name as submitted: a returned filing's unsent edits are the lead unit's until it resubmits.
            "name": current.document.get("name") if current else consortium,
            "current": current,
            "previous": previous,
            # Field by field and row by row, what the resubmission changed since the submission before it.
            "changes": compare_filings((previous.document, previous.details), (current.document, current.details))
            if previous
            else [],
            "submissions": submissions,
            # The documents of the submission under review, as they were submitted.
            "documents": current.documents.all() if current else [],
            "records_in_force": records_in_force(current, today=timezone.localdate()) if current else [],
            "events": consortium.events.select_related("actor"),
            "opinions": consortium.opinions.select_related("reviewer", "submission"),
            "form": form,
            "may_reissue_notice": consortium.filing_number and reissue_refusal(request.user, consortium) is None,
        },
    )


@login_required
def notice(request, pk: int):
    consortium = get_object_or_404(Consortium.objects.visible_to(request.user), pk=pk)
    try:
        filing_notice = consortium.notice
    except Consortium.notice.RelatedObjectDoesNotExist:
        raise Http404 from None
    return private_file(filing_notice.file.open("rb"), filename=f"备案通知书-{consortium.filing_number}.pdf")


@login_required
def reissue(request, pk: int):
    """City staff issue a new version of a consortium's notice (a corrected name, provincial recognition noted), with
    the reason; the page shows the version in force and asks for confirmation before posting."""
    if acting_role(request.user) != Role.CITY_STAFF:
        raise PermissionDenied
    consortium = get_object_or_404(Consortium.objects.visible_to(request.user), pk=pk)
    reason = request.POST.get("reason", "")
    error = None
    if request.method == "POST":
        try:
            notice = reissue_notice(consortium_id=pk, actor=request.user, reason=reason)
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(request, _("已重新出具备案通知书（第 %(version)d 版）。") % {"version": notice.version})
            return redirect("reviews:review", pk=pk)
    return render(
        request,
        "reviews/reissue_notice.html",
        {
            "consortium": consortium,
            "notice": getattr(consortium, "notice", None),
            "refusal": reissue_refusal(request.user, consortium),
            "reason": reason,
            "error": error,
        },
    )
