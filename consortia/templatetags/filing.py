"""Names users know for the codes in a filing document (the exchange format stores codes)."""

from django import template

from portal.models import IndustryField, PlatformCategory

from ..eligibility.filing import CHAIN_POSITIONS, PLATFORM_LEVELS, TECHNOLOGY_KINDS, UNIT_KINDS
from ..models import Document, Section
from ..permissions import (
    action_refusal,
    completion_declaration_refusal,
    draft_deletion_refusal,
    leads,
    recognition_refusal,
)
from ..workflow.transitions import RECORDED_ACTIONS, action_label, find_transition

register = template.Library()

VOCABULARIES = {
    "unit_kind": UNIT_KINDS,
    "technology_kind": TECHNOLOGY_KINDS,
    "chain_position": CHAIN_POSITIONS,
    "platform_level": PLATFORM_LEVELS,
    "document_kind": dict(Document.Kind.choices),
}


@register.filter
def label(code, vocabulary: str):
    return VOCABULARIES[vocabulary].get(code, code or "—")


@register.filter
def field_name(code):
    entry = IndustryField.objects.filter(code=code).first()
    return entry.name if entry else code or "—"


@register.filter
def platform_category_name(code):
    entry = PlatformCategory.objects.filter(code=code).first()
    return entry.name if entry else code or "—"


@register.filter
def event_label(event):
    """What was done, in the transition table's words (提交备案, 退回修改…), rather than the state it led to."""
    if event.action in RECORDED_ACTIONS:
        return RECORDED_ACTIONS[event.action]
    transition = find_transition(source=event.from_status, action=event.action)
    return transition.label if transition else event.get_to_status_display()


@register.filter
def section_label(code):
    return Section(code).label if code in Section.values else code


@register.filter
def decision_label(action):
    return action_label(action)


@register.filter
def with_task_details(tasks, details):
    """Pair each task of a filing document with its milestones and responsible units from the snapshot's details."""
    extras = (details or {}).get("tasks") or []
    return [(task, extras[i] if i < len(extras) else {}) for i, task in enumerate(tasks)]


@register.simple_tag
def lifecycle_actions(user, consortium, declaration, recognition) -> dict[str, bool]:
    """Which of the lifecycle panel's buttons to show: exactly where the services would not refuse."""
    pending = bool(declaration) and declaration.is_pending
    return {
        "declare_completion": completion_declaration_refusal(user, consortium, pending=pending) is None,
        "decide_completion": pending and action_refusal(user, consortium, "complete") is None,
        "record_recognition": recognition_refusal(user, consortium, recognised=bool(recognition)) is None,
        "revoke": action_refusal(user, consortium, "revoke") is None,
    }


@register.filter
def may_delete_draft(user, consortium) -> bool:
    """The 删除草稿 button is shown exactly where ``services.delete_draft`` would not refuse."""
    return draft_deletion_refusal(user, consortium) is None


@register.filter
def opens_eligibility(user, consortium) -> bool:
    """The eligibility page is the lead unit's; it sends everybody else on to the review page."""
    return leads(user, consortium)
