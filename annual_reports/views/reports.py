"""One annual report read: as its lead unit sees it (live) or as everybody else does (the last submission), the PDF
of each submission, city staff's decision and the reviewers' remarks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.downloads import rendered_pdf
from portal.exceptions import DomainError

from ..forms import ReportCommentForm, ReportDecisionForm
from ..models import AnnualReport
from ..pdf import render_report_pdf, report_parts
from ..permissions import report_comment_refusal, report_edit_refusal
from ..selectors import report_as_seen, report_checklist, report_comments, visible_reports
from ..services import accept_report, comment_on_report, return_report
from ..workflow import report_decisions

DECIDE = {"accept": accept_report, "return": return_report}


def _visible_report(request, pk: int) -> AnnualReport:
    reports = visible_reports(request.user).select_related("consortium__lead_organisation__jurisdiction")
    return get_object_or_404(reports, pk=pk)


def _decision_form(request, report: AnnualReport, data=None) -> ReportDecisionForm | None:
    transitions = report_decisions(request.user, report)
    if not transitions:
        return None
    return ReportDecisionForm(data, transitions=transitions, initial={"expected_status": report.status})


def _comment_form(request, report: AnnualReport, data=None) -> ReportCommentForm | None:
    return ReportCommentForm(data) if report_comment_refusal(request.user, report) is None else None


def _page(request, report: AnnualReport, *, decision_form=None, comment_form=None, status=200):
    """The report page; a form handed in is the one just posted, shown with its errors and what was typed."""
    seen = report_as_seen(request.user, report)
    can_edit = report_edit_refusal(request.user, report) is None
    return render(
        request,
        "annual_reports/report.html",
        {
            "report": report,
            "seen": seen,
            "content": seen.content,
            **(report_parts(seen.content) if seen.content else {}),
            "submissions": report.submissions.select_related("submitted_by").order_by("-number"),
            "can_edit": can_edit,
            "checklist": report_checklist(report) if can_edit else [],
            "events": report.events.select_related("actor"),
            "comments": report_comments(request.user, report),
            "decision_form": decision_form or _decision_form(request, report),
            "comment_form": comment_form or _comment_form(request, report),
        },
        status=status,
    )


@login_required
def report(request, pk: int):
    return _page(request, _visible_report(request, pk))


@require_POST
@login_required
def decide(request, pk: int):
    report = _visible_report(request, pk)
    form = _decision_form(request, report, request.POST)
    if form is None:
        messages.error(request, _("该年度报告当前没有您可以办理的事项。"))
        return redirect("annual_reports:report", pk)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            DECIDE[decision](
                report_id=pk,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_status=form.cleaned_data["expected_status"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            label = dict(form.fields["decision"].choices)[decision]
            messages.success(request, _("已办理：%(decision)s。") % {"decision": label})
            return redirect("annual_reports:report", pk)
    return _page(request, report, decision_form=form, status=400)


@require_POST
@login_required
def comment(request, pk: int):
    report = _visible_report(request, pk)
    form = _comment_form(request, report, request.POST)
    if form is None:
        messages.error(request, report_comment_refusal(request.user, report))
        return redirect("annual_reports:report", pk)
    if form.is_valid():
        try:
            comment_on_report(report_id=pk, actor=request.user, text=form.cleaned_data["text"])
        except DomainError as error:
            form.add_error("text", error.message)
        else:
            messages.success(request, _("意见已保存。"))
            return redirect("annual_reports:report", pk)
    return _page(request, report, comment_form=form, status=400)


@login_required
def submission_pdf(request, pk: int, number: int):
    """A submission printed, to whoever may see the report (others, and a number never submitted, get 404). Shown in
    the browser: it is there to be read and printed."""
    report = _visible_report(request, pk)
    submission = get_object_or_404(report.submissions.select_related("submitted_by"), number=number)
    filename = _("%(year)s年度报告（%(name)s，第%(number)s次提交）.pdf") % {
        "year": report.campaign.year,
        "name": report.consortium.name,
        "number": submission.number,
    }
    return rendered_pdf(request, lambda: render_report_pdf(submission), filename=filename)
