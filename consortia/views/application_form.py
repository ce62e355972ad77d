import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404

from ..application_form import application_form_filename, render_application_form
from ..models import Consortium


@login_required
def application_form(request, pk: int, number: int):
    """A submission's application form, to whoever may see the consortium (others, and a number never submitted,
    get 404). Shown in the browser: it is there to be read and printed."""
    consortium = get_object_or_404(Consortium.objects.visible_to(request.user).only("pk"), pk=pk)
    submission = get_object_or_404(consortium.submissions.select_related("submitted_by"), number=number)
    # FileResponse writes an RFC 6266 filename* for Chinese names and refuses header injection.
    response = FileResponse(
        io.BytesIO(render_application_form(submission)),
        filename=application_form_filename(submission),
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
