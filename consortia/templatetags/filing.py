"""Names users know for the codes in a filing document (the exchange format stores codes)."""

from django import template

from portal.models import IndustryField, PlatformCategory

from ..eligibility.filing import CHAIN_POSITIONS, PLATFORM_LEVELS, TECHNOLOGY_KINDS, UNIT_KINDS
from ..models import Document

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
    from reviews.transitions import find_transition

    transition = find_transition(source=event.from_status, action=event.action)
    return transition.label if transition else event.get_to_status_display()


@register.filter
def section_label(code):
    from ..models import Section

    return Section(code).label if code in Section.values else code


@register.filter
def decision_label(action):
    from reviews.transitions import action_label

    return action_label(action)


@register.filter
def with_task_details(tasks, details):
    """Pair each task of a filing document with its milestones and responsible units from the snapshot's details."""
    extras = (details or {}).get("tasks") or []
    return [(task, extras[i] if i < len(extras) else {}) for i, task in enumerate(tasks)]
