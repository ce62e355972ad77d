"""The filing editor: one page per section, each saved on its own with the version it was loaded at."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Min, Q
from django.forms.models import construct_instance
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError
from portal.models import Organisation

from .. import services
from ..forms import (
    AgreementForm,
    BasicForm,
    DocumentUploadForm,
    FundingFormSet,
    GovernanceForm,
    LeadForm,
    MemberForm,
    MembershipForm,
    TaskFormSet,
)
from ..models import Section
from ..permissions import edit_refusal
from ..selectors import funding_totals, open_remarks, section_checklist
from ..snapshots import filing_details, filing_document, load_filing
from .common import editable_filing, loaded_version


def consortium_units(consortium):
    """The lead unit and the current members: the units tasks and funding lines can name."""
    member_ids = [m.organisation_id for m in consortium.current_memberships]
    return Organisation.objects.filter(Q(pk=consortium.lead_organisation_id) | Q(pk__in=member_ids)).order_by("pk")


def copy_to(form):
    """Write a form's fields onto the consortium row locked by ``save_section`` (not the copy loaded before)."""
    return lambda consortium: construct_instance(form, consortium, fields=form._meta.fields)


def render_section(request, consortium, section, context, *, stale=None, status=200, template=None):
    version = stale.version if stale else services.section_version(consortium, section).number
    if stale:
        # Show what the other person saved, from the database as it is now.
        fresh = load_filing(consortium.pk)
        context.update(saved_document=filing_document(fresh), saved_details=filing_details(fresh))
    remarks = open_remarks(consortium)
    return render(
        request,
        template or f"consortia/edit/{section}.html",
        {
            "consortium": consortium,
            "section": section,
            "sections": Section,
            "checklist": section_checklist(consortium),
            # A returned filing's remarks: marked in the sidebar, this section's shown above its form.
            "remarks": remarks,
            "remark": remarks.get(section),
            "loaded_version": version,
            "stale": stale,
            **context,
        },
        status=status,
    )


def section_save(request, consortium, section, apply):
    """The save of ``section`` whose data ``apply`` writes, for ``run_save``."""
    return lambda version: services.save_section(
        consortium_id=consortium.pk, actor=request.user, section=section, loaded_version=version, apply=apply
    )


def run_save(request, save, *, success):
    """``save(loaded_version)`` calls the service; returns None on success, or (stale, error) to re-render with."""
    try:
        save(loaded_version(request))
    except services.StaleSection as stale:
        messages.error(request, stale.message)
        return stale, None
    except DomainError as error:
        return None, error
    messages.success(request, success)
    return None


def save_or_show(request, consortium, section, save, *, success, form):
    """Save through the service: the redirect back to the section when saved; otherwise no redirect, the refusal put
    on ``form``, and the stale save when that was why."""
    outcome = run_save(request, save, success=success)
    if outcome is None:
        return redirect("consortia:edit", pk=consortium.pk, section=section), None
    stale, error = outcome
    if error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    return None, stale


@login_required
def edit_section(request, pk: int, section: str):
    editors = {
        Section.BASIC: edit_basic,
        Section.LEAD: edit_lead,
        Section.MEMBERS: edit_members,
        Section.GOVERNANCE: edit_governance,
        Section.TASKS: edit_tasks,
        Section.FUNDING: edit_funding,
        Section.DOCUMENTS: edit_documents,
    }
    if section not in editors:
        raise Http404
    consortium = editable_filing(request, pk)
    refusal = edit_refusal(request.user, consortium)
    if refusal:
        messages.warning(request, refusal)
        return redirect("consortia:detail", pk=pk)
    return editors[section](request, consortium)


def _simple_section(request, consortium, section, form, apply):
    stale = None
    if request.method == "POST" and form.is_valid():
        save = section_save(request, consortium, section, apply(form))
        saved, stale = save_or_show(request, consortium, section, save, success=_("已保存。"), form=form)
        if saved:
            return saved
    return render_section(request, consortium, section, {"form": form}, stale=stale, status=409 if stale else 200)


def edit_basic(request, consortium):
    form = BasicForm(request.POST or None, instance=consortium)
    return _simple_section(request, consortium, Section.BASIC, form, copy_to)


def edit_lead(request, consortium):
    form = LeadForm(request.POST or None, instance=consortium.lead, organisation_kind=consortium.lead_organisation.kind)
    return _simple_section(request, consortium, Section.LEAD, form, lambda f: lambda c: f.save())


def edit_governance(request, consortium):
    form = GovernanceForm(request.POST or None, instance=consortium.governance)
    return _simple_section(request, consortium, Section.GOVERNANCE, form, lambda f: lambda c: f.save())


def edit_members(request, consortium):
    form = MemberForm(request.POST or None)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found = []  # the organisation the USCC led to, told about only once the member is saved

        def add(c):
            organisation = services.find_or_create_member_organisation(
                uscc=data["uscc"], name=data["name"], kind=data["kind"]
            )
            services.add_member(consortium=c, organisation=organisation, details=form.membership_details())
            found.append(organisation)

        save = section_save(request, consortium, Section.MEMBERS, add)
        saved, stale = save_or_show(
            request, consortium, Section.MEMBERS, save, success=_("已添加参与单位。"), form=form
        )
        if saved:
            notice = form.registered_facts_notice(found[-1])
            if notice:
                messages.warning(request, notice)
            return saved
    return render_section(
        request,
        consortium,
        Section.MEMBERS,
        {"form": form, "memberships": consortium.current_memberships},
        stale=stale,
        status=409 if stale else 200,
    )


@login_required
def edit_member(request, pk: int, membership_id: int):
    consortium = editable_filing(request, pk)
    membership = get_object_or_404(
        consortium.memberships.filter(left_on__isnull=True).select_related("organisation"), pk=membership_id
    )
    form = MembershipForm(request.POST or None, instance=membership)
    stale = None
    if request.method == "POST" and form.is_valid():
        save = section_save(request, consortium, Section.MEMBERS, lambda c: form.save())
        outcome = run_save(request, save, success=_("已保存。"))
        if outcome is None:
            return redirect("consortia:edit", pk=pk, section=Section.MEMBERS)
        stale, error = outcome
        if error:
            form.add_error(None, error.message)
    return render_section(
        request,
        consortium,
        Section.MEMBERS,
        {"form": form, "membership": membership},
        stale=stale,
        status=409 if stale else 200,
        template="consortia/edit/member.html",
    )


def _act_then_return(request, consortium, section, save, *, success):
    """A one-click change within a section (remove a member, delete a file): save it, then back to the section."""
    outcome = run_save(request, save, success=success)
    if outcome is not None and outcome[1] is not None:
        messages.error(request, outcome[1].message)
    return redirect("consortia:edit", pk=consortium.pk, section=section)


@require_POST
@login_required
def remove_member(request, pk: int, membership_id: int):
    consortium = editable_filing(request, pk)
    # A member already removed, or of another consortium, is not this consortium's to remove.
    get_object_or_404(consortium.memberships.filter(left_on__isnull=True), pk=membership_id)
    return _act_then_return(
        request,
        consortium,
        Section.MEMBERS,
        section_save(
            request,
            consortium,
            Section.MEMBERS,
            lambda c: services.remove_member(consortium=c, membership_id=membership_id),
        ),
        success=_("已移除参与单位。"),
    )


def _formset_section(request, consortium, section, formset_class, queryset, *, form_kwargs=None, context=None):
    units = consortium_units(consortium)
    formset = formset_class(
        request.POST or None, queryset=queryset, units=units, prefix=section, form_kwargs=form_kwargs
    )
    stale = None
    if request.method == "POST" and formset.is_valid():

        def save_rows(c):
            rows = formset.save(commit=False)
            for row in rows:
                row.consortium = c
                row.save()
            formset.save_m2m()
            for row in formset.deleted_objects:
                row.delete()

        outcome = run_save(request, section_save(request, consortium, section, save_rows), success=_("已保存。"))
        if outcome is None:
            return redirect("consortia:edit", pk=consortium.pk, section=section)
        stale, error = outcome
        if error:
            messages.error(request, error.message)
    return render_section(
        request, consortium, section, {"formset": formset, **(context or {})}, stale=stale, status=409 if stale else 200
    )


def edit_tasks(request, consortium):
    return _formset_section(request, consortium, Section.TASKS, TaskFormSet, consortium.tasks.all())


def edit_funding(request, consortium):
    return _formset_section(
        request,
        consortium,
        Section.FUNDING,
        FundingFormSet,
        consortium.funding_lines.all(),
        form_kwargs={"period": (consortium.planned_start, consortium.planned_end)},
        context={"totals": funding_totals(consortium)},
    )


def edit_documents(request, consortium):
    upload_form = DocumentUploadForm(prefix="upload")
    agreement_form = AgreementForm(instance=consortium, prefix="agreement")
    stale = None
    if request.method == "POST":
        if "upload" in request.POST:
            upload_form = DocumentUploadForm(request.POST, request.FILES, prefix="upload")
            form, save, success = upload_form, None, _("已上传。")
            if upload_form.is_valid():
                data = upload_form.cleaned_data
                save = lambda version: services.upload_document(  # noqa: E731
                    consortium_id=consortium.pk,
                    actor=request.user,
                    kind=data["kind"],
                    uploaded_file=data["file"],
                    loaded_version=version,
                )
        else:
            agreement_form = AgreementForm(request.POST, instance=consortium, prefix="agreement")
            form, success = agreement_form, _("已保存。")
            save = None
            if agreement_form.is_valid():
                save = section_save(request, consortium, Section.DOCUMENTS, copy_to(agreement_form))
        if save is not None:
            saved, stale = save_or_show(request, consortium, Section.DOCUMENTS, save, success=success, form=form)
            if saved:
                return saved
    return render_section(
        request,
        consortium,
        Section.DOCUMENTS,
        {
            "upload_form": upload_form,
            "agreement_form": agreement_form,
            # A document a submission recorded shows the first one and cannot be deleted (services.delete_document).
            "documents": consortium.documents.annotate(first_submission=Min("submissions__number")),
        },
        stale=stale,
        status=409 if stale else 200,
    )


@require_POST
@login_required
def delete_document(request, pk: int, document_id: int):
    consortium = editable_filing(request, pk)
    get_object_or_404(consortium.documents, pk=document_id)
    return _act_then_return(
        request,
        consortium,
        Section.DOCUMENTS,
        lambda version: services.delete_document(
            consortium_id=consortium.pk, actor=request.user, document_id=document_id, loaded_version=version
        ),
        success=_("已删除。"),
    )
