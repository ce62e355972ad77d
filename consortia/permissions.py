"""Who may do what to a consortium, and when: each rule is one function that returns why the user may not (a
translated sentence) or None. Services raise the reason; views and templates show a button or a form only where the
same function returns None, so a page never offers what the service would refuse."""

from django.utils.translation import gettext as _

from portal.models import Role, User

from .states import EDITABLE, Status
from .workflow.machine import CONSORTIUM, Machine
from .workflow.transitions import SYSTEM

# Provincial recognition is recorded for a running or an ended consortium, not for one revoked for fraud.
RECOGNISABLE = frozenset({Status.ACTIVE, Status.EXPIRED, Status.COMPLETED})


def acting_role(user: User | None) -> str:
    """The role the transition table is asked about: the daily jobs act as SYSTEM, a portal administrator as ADMIN."""
    if user is None:
        return SYSTEM
    if user.is_portal_admin:
        return Role.ADMIN
    return user.role


def leads(user: User, consortium) -> bool:
    """The user works for the consortium's lead unit."""
    return user.is_authenticated and user.is_lead_unit and user.organisation_id == consortium.lead_organisation_id


def edit_refusal(user: User, consortium) -> str | None:
    """A filing is edited by its lead unit's users, while it is a draft or returned for revision."""
    if not leads(user, consortium):
        return _("只有牵头单位的用户可以修改本备案。")
    if consortium.status not in EDITABLE:
        return _("备案处于“%(status)s”状态，不能修改。") % {"status": consortium.get_status_display()}
    return None


def action_refusal(user: User | None, subject, action: str, *, machine: Machine = CONSORTIUM) -> str | None:
    """Whether the machine's table lets this user take ``action`` from the subject's state (the door's rule): a
    consortium's by default, an annual report's with its machine."""
    transition = machine.find(source=subject.status, action=action)
    if transition is None:
        return machine.wrong_state % {"status": subject.get_status_display()}
    if acting_role(user) not in transition.roles:
        return machine.wrong_role % {"action": transition.label}
    return None


def completion_declaration_refusal(user: User, consortium, *, pending: bool) -> str | None:
    """The lead unit declares its tasks finished while the consortium is active, one declaration at a time."""
    if not leads(user, consortium):
        return _("只有该联合体牵头单位的用户可以申报任务完成。")
    if consortium.status != Status.ACTIVE:
        return _("备案处于“%(status)s”状态，不能申报任务完成。") % {"status": consortium.get_status_display()}
    if pending:
        return _("已有一份任务完成申报在等待市科技局确认，请勿重复申报。")
    return None


def recognition_refusal(user: User, consortium, *, recognised: bool) -> str | None:
    """City staff record provincial recognition once, for a running or an ended consortium."""
    if not user.is_city_staff:
        return _("只有市科技局可以记录省级创新联合体认定。")
    if consortium.status not in RECOGNISABLE:
        return _("备案处于“%(status)s”状态，不能记录省级认定。") % {"status": consortium.get_status_display()}
    if recognised:
        return _("该联合体的省级认定已记录，不能重复记录。")
    return None


def end_record_refusal(user: User, record, *, today) -> str | None:
    """City staff end a dishonesty record early while it has not ended, early or at its term."""
    if not user.is_city_staff:
        return _("只有市科技局可以提前终止失信信息记录。")
    if record.ended_on is not None:
        return _("该记录已于 %(date)s 提前终止。") % {"date": record.ended_on.isoformat()}
    if record.valid_until is not None and record.valid_until < today:
        return _("该记录已于 %(date)s 到期，无需提前终止。") % {"date": record.valid_until.isoformat()}
    return None


def draft_deletion_refusal(user: User, consortium) -> str | None:
    """Its lead unit deletes a draft that was never submitted. Once submitted, a filing is evidence of what was filed
    (§5.3): its submissions are kept for good, and so is the filing they belong to."""
    if not leads(user, consortium):
        return _("只有牵头单位的用户可以删除本备案草稿。")
    if consortium.status != Status.DRAFT:
        return _("备案处于“%(status)s”状态，不能删除。") % {"status": consortium.get_status_display()}
    if consortium.submitted_at is not None or consortium.submissions.exists():
        return _("本备案已提交过，提交记录须存档，不能删除。")
    return None


def change_refusal(user: User, consortium) -> str | None:
    """Changes of members, plan, structure or mechanism (§5.3.b) are recorded by the lead unit's users while the
    consortium is active (in its construction period)."""
    if not leads(user, consortium):
        return _("只有该联合体牵头单位的用户可以记录变更。")
    if consortium.status != Status.ACTIVE:
        return _("备案处于“%(status)s”状态，不能记录变更。") % {"status": consortium.get_status_display()}
    return None
