"""The audit event of an export: who took which rows of the portfolio out of the portal."""

from portal.models import AuditEvent, User
from portal.services import record_audit

EXPORT_ACTION = "export_portfolio"


def audit_export(*, user: User, filters: str, sheet: str, format: str, rows: int, request=None, job=None) -> AuditEvent:
    """``filters`` is the list's query string; ``job`` the export job that wrote the file, when a worker did."""
    return record_audit(
        event_type=AuditEvent.Type.RECORD_CHANGED,
        actor=user,
        request=request,
        obj=job,
        changes={"action": EXPORT_ACTION, "filters": filters, "sheet": sheet, "format": format, "rows": rows},
    )
