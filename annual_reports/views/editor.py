"""The lead unit's report editor: one page per §5.2 section, each saved on its own with the version it was loaded at,
as the filing's editor does (``consortia.views.editor.run_save``: a stale save is refused with who saved)."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseModelFormSet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from consortia.permissions import leads
from consortia.services import section_version
from consortia.snapshots import load_filing
from consortia.views.editor import consortium_units, copy_to, run_save
from portal.exceptions import DomainError

from ..changes import period_changes
from ..forms import (
    NUMBERS,
    ChangeExplanationsForm,
    FundingLineFormSet,
    JointProjectFormSet,
    ReturnFormSet,
    TaskProgressFormSet,
    report_form,
)
from ..models import NARRATIVES, AnnualReport, ReportChangeExplanation, ReportSection
from ..permissions import report_edit_refusal
from ..selectors import report_checklist, returned_because
from ..services import save_report_section, submit_report

# What each section asks for, under its §5.2 heading.
HINTS = {
    ReportSection.OVERALL: gettext_lazy(
        "概述本年度联合体建设的总体进展、取得的主要成效和存在的问题，并逐项说明本年度通过补充协议作出的变更。"
    ),
    ReportSection.PARTNERS: gettext_lazy("说明合作单位的变化与协作情况，并逐项列出本年度合作开展的研发项目。"),
    ReportSection.TEAM: gettext_lazy("说明运营团队的组建、分工和运行情况，并填写团队人数。"),
    ReportSection.FUNDING: gettext_lazy(
        "按单位填写本年度资金实际到位和分类支出（万元）；计划投入取自备案的经费计划。支出合计超过到位资金的，须说明原因。"
    ),
    ReportSection.TASKS: gettext_lazy("逐项填写备案攻关任务本年度的进展状态和取得的成果。"),
    ReportSection.TALENT: gettext_lazy("说明本年度人才引进和培养情况，并填写人数。"),
    ReportSection.PLAN: gettext_lazy("说明下一年度的工作目标、重点任务和保障措施。"),
}


@dataclass(frozen=True)
class Table:
    heading: str
    row_label: str  # names a row in the page and in the error summary
    formset: BaseModelFormSet
    fixed: bool = False  # rows made with the report, never added or deleted


def tables_of(section: str, data, report: AnnualReport) -> list[Table]:
    """The section's tables, bound to ``data`` (None: as saved); the units offered are the consortium's own."""
    if section == ReportSection.PARTNERS:
        projects = JointProjectFormSet(data, queryset=report.joint_projects.all(), prefix="projects")
        return [Table(_("合作研发项目"), _("项目"), projects)]
    if section == ReportSection.FUNDING:
        units = consortium_units(load_filing(report.consortium_id))
        lines = FundingLineFormSet(data, queryset=report.funding_lines.all(), units=units, prefix="funding")
        returns = ReturnFormSet(data, queryset=report.returns.all(), units=units, prefix="returns")
        return [Table(_("经费到位与使用情况"), _("经费"), lines), Table(_("收益分配"), _("收益"), returns)]
    if section == ReportSection.TASKS:
        progress = TaskProgressFormSet(data, queryset=report.task_progress.select_related("task"), prefix="tasks")
        return [Table(_("攻关任务进展"), _("任务"), progress, fixed=True)]
    return []


def explanations_of(section: str, data, report: AnnualReport) -> ChangeExplanationsForm | None:
    """The overall section asks for an explanation of each change of the period (§5.3.b); None where there is none."""
    if section != ReportSection.OVERALL:
        return None
    changes = period_changes(report)
    return ChangeExplanationsForm(data, changes=changes) if changes else None


def editable_report(request, pk: int) -> AnnualReport:
    """The report for its lead unit's users; 404 for who does not see it, 403 for who sees it but does not lead."""
    report = get_object_or_404(
        AnnualReport.objects.visible_to(request.user).select_related("campaign", "consortium"), pk=pk
    )
    if not leads(request.user, report.consortium):
        raise PermissionDenied
    return report


def write_section(form, tables, explanations):
    """What ``save_report_section`` applies to the locked report: the form's fields, each table's rows, and what it
    says of each change of the period."""

    def apply(report):
        copy_to(form)(report)
        for change_id, text in (explanations.explanations() if explanations else {}).items():
            ReportChangeExplanation.objects.update_or_create(
                report=report, change_id=change_id, defaults={"text": text}
            )
        for formset in (table.formset for table in tables):
            for row in formset.save(commit=False):
                row.report = report
                row.save()
            for row in formset.deleted_objects:
                row.delete()

    return apply


def saved_values(pk: int, section: str) -> list[tuple[str, object]]:
    """The section's text and numbers as the other person saved them, from the database as it is now."""
    fresh = AnnualReport.objects.get(pk=pk)
    fields = [AnnualReport._meta.get_field(name) for name in (NARRATIVES[section], *NUMBERS.get(section, ()))]
    return [(field.verbose_name, getattr(fresh, field.name)) for field in fields]


@login_required
def edit_section(request, pk: int, section: str):
    if section not in ReportSection.values:
        raise Http404
    report = editable_report(request, pk)
    refusal = report_edit_refusal(request.user, report)
    if request.method == "POST" and refusal:
        messages.warning(request, refusal)
        return redirect("annual_reports:edit", pk, section)
    # As saved: validating writes what was typed onto ``report``.
    checklist = report_checklist(report)
    data = request.POST if request.method == "POST" else None
    form, tables = report_form(section, data, report), tables_of(section, data, report)
    explanations = explanations_of(section, data, report)
    stale = None
    # Every part validated, so that all its errors show at once.
    parts = [form, *(table.formset for table in tables), *([explanations] if explanations else [])]
    if data is not None and all([part.is_valid() for part in parts]):
        apply = write_section(form, tables, explanations)
        outcome = run_save(
            request,
            lambda version: save_report_section(
                report_id=report.pk, actor=request.user, section=section, loaded_version=version, apply=apply
            ),
            success=_("已保存。"),
        )
        if outcome is None:
            return redirect("annual_reports:edit", pk, section)
        stale, error = outcome
        if error:
            form.add_error(None, error.message)
    return render(
        request,
        "annual_reports/edit/section.html",
        {
            "report": report,
            "section": section,
            "label": ReportSection(section).label,
            "hint": HINTS[section],
            "form": form,
            "tables": tables,
            "explanations": explanations,
            "tables_invalid": any(table.formset.total_error_count() for table in tables),
            "checklist": checklist,
            "incomplete": [status for status in checklist if not status.complete],
            "refusal": refusal,
            # What the city asked to revise, beside the form while the lead unit revises.
            "return_reason": returned_because(report),
            "loaded_version": stale.version if stale else section_version(report, section).number,
            "stale": stale,
            "saved": saved_values(report.pk, section) if stale else None,
        },
        status=409 if stale else 200,
    )


@require_POST
@login_required
def submit(request, pk: int):
    report = editable_report(request, pk)
    try:
        submit_report(report_id=report.pk, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        incomplete = [status.section for status in report_checklist(report) if not status.complete]
        return redirect("annual_reports:edit", pk, incomplete[0] if incomplete else ReportSection.OVERALL)
    messages.success(request, _("年度报告已提交。"))
    # To the report as submitted, with its status and PDF: the editor is read-only now.
    return redirect("annual_reports:report", pk)
