"""Provincial recognition (guideline §2.c): city staff record that a consortium was recognised as a provincial
consortium (省级创新联合体), once, with the recognition document."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.models import AuditEvent, User
from portal.services import notify, record_audit

from ... import recipients
from ...models import (
    Consortium,
    LifecycleDocument,
    ProvincialRecognition,
)
from ...permissions import recognition_refusal
from ...storage import files_in_step
from .attachments import check_pdfs, detail_link, store


def _refuse_recognition(actor: User, consortium: Consortium) -> None:
    recognised = ProvincialRecognition.objects.filter(consortium=consortium).exists()
    refusal = recognition_refusal(actor, consortium, recognised=recognised)
    if refusal:
        raise DomainError(refusal)


def record_provincial_recognition(
    *,
    consortium_id: int,
    actor: User,
    recognised_on: date,
    document,
    document_number: str = "",
    note: str = "",
    today: date | None = None,
) -> ProvincialRecognition:
    """Record that the consortium was recognised as a provincial consortium (省级创新联合体), with the date and the
    recognition document."""
    today = today or timezone.localdate()
    _refuse_recognition(actor, Consortium.objects.get(pk=consortium_id))
    if recognised_on > today:
        raise DomainError(_("认定日期不能晚于今天。"), field="recognised_on")
    checked = check_pdfs([document], field="document", required_message=_("请上传省级认定文件（PDF）。"))
    with files_in_step() as files, transaction.atomic():
        consortium = Consortium.objects.select_for_update().get(pk=consortium_id)
        _refuse_recognition(actor, consortium)
        if consortium.filed_on and recognised_on < consortium.filed_on:
            raise DomainError(
                _("认定日期不能早于市级备案日期（%(date)s）。") % {"date": consortium.filed_on.isoformat()},
                field="recognised_on",
            )
        recognition = ProvincialRecognition.objects.create(
            consortium=consortium,
            recognised_on=recognised_on,
            document_number=document_number.strip(),
            note=note.strip(),
            recorded_by=actor,
        )
        store(
            checked,
            files=files,
            consortium=consortium,
            kind=LifecycleDocument.Kind.RECOGNITION,
            actor=actor,
            recognition=recognition,
        )
        record_audit(
            event_type=AuditEvent.Type.RECORD_CHANGED,
            actor=actor,
            obj=consortium,
            changes={
                "action": "record_provincial_recognition",
                "recognised_on": recognised_on.isoformat(),
                "document_number": recognition.document_number,
            },
        )
        notify(
            recipients=recipients.lead_unit_users(consortium),
            subject=_("已记录省级创新联合体认定：%(name)s") % {"name": consortium.name},
            body=_("市科技局已记录“%(name)s”于 %(date)s 获认定为省级创新联合体。")
            % {"name": consortium.name, "date": recognised_on.isoformat()},
            link=detail_link(consortium),
        )
    return recognition
