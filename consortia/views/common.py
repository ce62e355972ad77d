from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from ..models import Consortium
from ..permissions import leads
from ..snapshots import load_filing


def visible_filing(request, pk: int) -> Consortium:
    """The consortium if the user may see it, else 404 (a guessed URL reveals nothing)."""
    get_object_or_404(Consortium.objects.visible_to(request.user).only("pk"), pk=pk)
    return load_filing(pk)


def editable_filing(request, pk: int) -> Consortium:
    """The consortium for its lead unit's users; others who may see it are refused (403)."""
    consortium = visible_filing(request, pk)
    if not leads(request.user, consortium):
        raise PermissionDenied
    return consortium


def loaded_version(request) -> int:
    try:
        return int(request.POST.get("loaded_version", ""))
    except ValueError:
        return -1
