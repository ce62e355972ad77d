"""The change history of a consortium for its page (``templates/consortia/changes/_history.html``), so that the page's
view need not know about changes."""

from dataclasses import dataclass

from django import template

from ..models import ChangeRecord, Consortium, Membership
from ..permissions import change_refusal
from ..selectors import consortium_changes, membership_history

register = template.Library()


@dataclass(frozen=True)
class ChangeHistory:
    changes: list[ChangeRecord]
    members: list[Membership]
    # The kinds the user may record now, with their labels: none unless ``change_refusal`` lets the user.
    kinds: list[tuple[str, str]]


@register.simple_tag
def change_history(user, consortium: Consortium) -> ChangeHistory:
    may_record = change_refusal(user, consortium) is None
    return ChangeHistory(
        changes=list(consortium_changes(consortium)),
        members=list(membership_history(consortium)),
        kinds=ChangeRecord.Kind.choices if may_record else [],
    )
