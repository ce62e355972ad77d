"""What people do at the end of a consortium's life (DESIGN §3; guideline §2.c, §5.3): the lead unit declares the
research tasks finished and the city confirms or declines; the city revokes a consortium for serious fraud, which puts
the units on the dishonesty record, and may end a record early; the city records provincial recognition.

Changes of state go through the transition table's one door, ``consortia.workflow.door.perform_action``, which runs
the completion and revocation steps registered here. The daily jobs (expiry and its reminders) are in
``consortia.lifecycle.jobs``.
"""

from .attachments import MAX_ATTACHMENTS
from .completion import COMPLETE, confirm_completion, declare_completion, decline_completion
from .recognition import record_provincial_recognition
from .revocation import REVOKE, end_dishonesty_record, revoke_consortium

__all__ = [
    "COMPLETE",
    "MAX_ATTACHMENTS",
    "REVOKE",
    "confirm_completion",
    "declare_completion",
    "decline_completion",
    "end_dishonesty_record",
    "record_provincial_recognition",
    "revoke_consortium",
]
