"""One annual report read: as its lead unit sees it (live) or as everybody else does (the last submission), and the
PDF of each submission."""

import io

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from portal.downloads import private_file

from ..models import AnnualReport
from ..pdf import render_report_pdf, report_parts
from ..permissions import report_edit_refusal
from ..selectors import report_as_seen, report_checklist, visible_reports


def _visible_report(request, pk: int) -> AnnualReport:
    reports = visible_reports(request.user).select_related("consortium__lead_organisation__jurisdiction")
    return get_object_or_404(reports, pk=pk)


@login_required
def report(request, pk: int):
    report = _visible_report(request, pk)
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
        },
    )


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
    return private_file(io.BytesIO(render_report_pdf(submission)), filename=filename, attachment=False)
