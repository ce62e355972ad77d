"""PDF attachments of the lifecycle's actions (completion materials, revocation evidence, recognition documents):
checked before anything is written, stored privately, and the shared small helpers of the services."""

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.models import User

from ...documents import check_pdf
from ...models import (
    Consortium,
    LifecycleDocument,
)
from ...storage import StoredFiles

MAX_ATTACHMENTS = 10


def detail_link(consortium: Consortium) -> str:
    return reverse("consortia:detail", args=[consortium.pk])


def check_pdfs(files: Sequence, *, field: str, required_message: str) -> list:
    """Every file a PDF within the limits, before anything is written; the message names the file at fault."""
    files = [f for f in files if f]
    if not files:
        raise DomainError(required_message, field=field)
    if len(files) > MAX_ATTACHMENTS:
        raise DomainError(_("一次最多上传 %(max)d 个文件。") % {"max": MAX_ATTACHMENTS}, field=field)
    checked = []
    for uploaded in files:
        try:
            checked.append((uploaded, check_pdf(uploaded)))
        except DomainError as error:
            raise DomainError(
                _("“%(name)s”：%(problem)s") % {"name": uploaded.name, "problem": error.message}, field=field
            ) from None
    return checked


def store(checked, *, files: StoredFiles, consortium: Consortium, kind: str, actor: User, **owner) -> list:
    return [
        LifecycleDocument.store(
            uploaded, facts, files=files, uploaded_by=actor, consortium=consortium, kind=kind, **owner
        )
        for uploaded, facts in checked
    ]


def require_city_staff(actor: User, message: str) -> None:
    if not actor.is_city_staff:
        raise DomainError(message)
