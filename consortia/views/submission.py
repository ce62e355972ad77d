"""The eligibility page (results, justifications), submit and withdraw."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError

from .. import services
from ..eligibility import Outcome, Severity
from ..permissions import edit_refusal, leads
from ..selectors import open_remarks, remark_answers, section_checklist
from ..snapshots import evaluate_filing
from .common import editable_filing, loaded_version, visible_filing


def justification_form(evaluation, consortium, data=None):
    """One text box per ``justify`` rule that is not simply passed."""
    form = forms.Form(data)
    for result in evaluation.results:
        if result.severity == Severity.JUSTIFY and result.outcome != Outcome.PASS:
            form.fields[result.code] = forms.CharField(
                label=f"{result.title}（{result.clause_label}）",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=consortium.justifications.get(result.code, ""),
            )
    return form


@login_required
def eligibility(request, pk: int):
    consortium = visible_filing(request, pk)
    if not leads(request.user, consortium):
        # Reviewers read the eligibility stored with the submission under review, never the unsent filing's.
        return redirect("reviews:review", pk=pk)
    evaluation = evaluate_filing(consortium)
    user = request.user
    is_owner = leads(user, consortium)
    editable = edit_refusal(user, consortium) is None
    form = justification_form(evaluation, consortium)
    if request.method == "POST":
        consortium = editable_filing(request, pk)
        form = justification_form(evaluation, consortium, request.POST)
        if form.is_valid():
            texts = {code: text.strip() for code, text in form.cleaned_data.items()}

            def save(c):
                c.justifications = {**c.justifications, **texts}

            try:
                services.save_section(
                    consortium_id=pk,
                    actor=user,
                    section=services.JUSTIFICATIONS,
                    loaded_version=loaded_version(request),
                    apply=save,
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("说明已保存，核验结果已更新。"))
                return redirect("consortia:eligibility", pk=pk)
    checklist = section_checklist(consortium)
    return render(
        request,
        "consortia/eligibility.html",
        {
            "consortium": consortium,
            "evaluation": evaluation,
            "form": form,
            "checklist": checklist,
            "remarks": open_remarks(consortium),
            # Before a resubmission: which remarked sections the lead unit has changed since it was returned.
            "remark_answers": remark_answers(consortium),
            "incomplete": [status for status in checklist if not status.complete],
            "section": "eligibility",
            "only_justifications_missing": not evaluation.eligible
            and all(r.severity == Severity.JUSTIFY for r in evaluation.results if r.blocks),
            "is_owner": is_owner,
            "editable": editable,
            "can_submit": editable and evaluation.eligible and all(status.complete for status in checklist),
            "loaded_version": services.section_version(consortium, services.JUSTIFICATIONS).number,
        },
    )


@require_POST
@login_required
def submit(request, pk: int):
    editable_filing(request, pk)
    try:
        submission = services.submit_filing(consortium_id=pk, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("consortia:eligibility", pk=pk)
    messages.success(
        request,
        _("已提交（第 %(number)d 次提交），等待属地科技主管部门初审。提交的内容已存档，不会因之后的修改而改变。")
        % {"number": submission.number},
    )
    return redirect("consortia:detail", pk=pk)


@require_POST
@login_required
def withdraw(request, pk: int):
    editable_filing(request, pk)
    try:
        services.withdraw_filing(consortium_id=pk, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("备案已撤回。"))
    return redirect("consortia:detail", pk=pk)
