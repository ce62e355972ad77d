from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404

from portal.downloads import private_file

from ..permissions import leads
from .common import visible_filing


@login_required
def download_document(request, pk: int, document_id: int):
    """The only way to a stored document: the user must be allowed to see the consortium (others get 404)."""
    consortium = visible_filing(request, pk)
    documents = consortium.documents.all()
    if not leads(request.user, consortium):
        # Reviewers download what was submitted, never a file the lead unit has not sent.
        documents = documents.filter(submissions__isnull=False).distinct()
    document = get_object_or_404(documents, pk=document_id)
    return private_file(document.file.open("rb"), filename=document.original_name)
