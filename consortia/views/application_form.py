from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404

from portal.downloads import rendered_pdf

from ..application_form import application_form_filename, render_application_form
from ..models import Consortium


@login_required
def application_form(request, pk: int, number: int):
    """A submission's application form, to whoever may see the consortium (others, and a number never submitted,
    get 404). Shown in the browser: it is there to be read and printed."""
    consortium = get_object_or_404(Consortium.objects.visible_to(request.user).only("pk"), pk=pk)
    submission = get_object_or_404(consortium.submissions.select_related("submitted_by"), number=number)
    return rendered_pdf(
        request, lambda: render_application_form(submission), filename=application_form_filename(submission)
    )
