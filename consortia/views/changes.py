"""The lead unit records a change of its active consortium (guideline §5.3.b); those who may see the consortium read
the supplementary agreements. The consortium comes from ``Consortium.objects.visible_to`` (another unit's is a 404);
the services in ``consortia.changes`` decide what is allowed and their refusals are shown on the form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.downloads import private_file
from portal.exceptions import DomainError

from .. import changes
from ..change_forms import ChangeForm, MemberJoinedForm, MemberLeftForm
from ..models import ChangeDocument, ChangeRecord, Consortium
from ..permissions import change_refusal

Kind = ChangeRecord.Kind
FORMS = {Kind.MEMBER_JOINED: MemberJoinedForm, Kind.MEMBER_LEFT: MemberLeftForm}


def _visible_consortium(request, pk: int) -> Consortium:
    return get_object_or_404(Consortium.objects.visible_to(request.user).select_related("lead_organisation"), pk=pk)


def _record(kind: str, consortium: Consortium, user, data: dict) -> ChangeRecord:
    """The service of ``kind``, with the form's cleaned ``data``."""
    common = {
        "consortium_id": consortium.pk,
        "actor": user,
        "effective_on": data["effective_on"],
        "explanation": data["explanation"],
        "agreement": data["agreement"],
    }
    if kind == Kind.MEMBER_JOINED:
        return changes.record_member_joined(
            **common,
            uscc=data["uscc"],
            name=data["name"],
            kind=data["kind"],
            chain_position=data["chain_position"],
            independent_legal_entity=data["independent_legal_entity"],
            capability=data["capability"],
            role=data["role"],
        )
    if kind == Kind.MEMBER_LEFT:
        return changes.record_member_left(**common, membership_id=data["membership"].pk)
    return changes.record_change(**common, kind=kind)


@login_required
@require_http_methods(["GET", "POST"])
def record_change(request, pk: int, kind: str):
    if kind not in Kind.values:
        raise Http404
    if not request.user.is_lead_unit:
        raise PermissionDenied
    consortium = _visible_consortium(request, pk)
    refusal = change_refusal(request.user, consortium)
    form = FORMS.get(kind, ChangeForm)(request.POST or None, request.FILES or None, consortium=consortium)
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            _record(kind, consortium, request.user, form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("已记录变更，并已通知属地科技主管部门。"))
            return redirect("consortia:detail", pk=consortium.pk)
    return render(
        request,
        "consortia/changes/record.html",
        {"consortium": consortium, "form": form, "kind": kind, "kinds": Kind.choices, "refusal": refusal},
    )


@login_required
def download_agreement(request, pk: int, change_id: int):
    """A change's supplementary agreement, for whoever may see the consortium (others get 404)."""
    consortium = _visible_consortium(request, pk)
    document = get_object_or_404(ChangeDocument.objects.filter(consortium=consortium), change__pk=change_id)
    return private_file(document.file.open("rb"), filename=document.original_name)
