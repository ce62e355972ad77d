"""The audit trail for portal administrators (网络安全等级保护 2.0): every event, newest first, filtered and paged,
and the same list as CSV or XLSX (``?export=csv`` / ``?export=xlsx`` with the same filters). An export is audited
itself: who, with which filters, how many rows.

Exports are read with ``iterator()`` and written as they are read — the CSV streamed line by line, the XLSX through
a write-only workbook into a temporary file — so memory does not grow with the number of events.
"""

import json
import tempfile
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max, QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ..downloads import private_file
from ..filters import AuditEventFilter
from ..models import AuditEvent
from ..services import record_audit
from ..spreadsheets import add_sheet, append, csv_lines, timestamp_cell

PAGE_SIZE = 50
CHUNK = 2000  # events read from the database at a time by an export
EXPORT_ACTION = "export_audit_events"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_576 - 1  # the rows of an Excel sheet, less the header


@dataclass(frozen=True)
class AuditRow:
    """One event as the list and the exports show it."""

    pk: int
    occurred_at: datetime
    username: str
    ip_address: str | None
    event_type: str
    action: str
    object_type: str
    object_id: str
    details: list[tuple[str, str]]  # the rest of ``changes``, readable

    @property
    def object_name(self) -> str:
        """What the object is, in the reader's language: the model's name (the list shows it; exports the code)."""
        return _model_names().get(self.object_type, "")

    @property
    def details_text(self) -> str:
        return "；".join(f"{key}: {text}" for key, text in self.details)

    def values(self) -> list:
        return [
            self.occurred_at,
            self.username,
            self.ip_address,
            self.event_type,
            self.action,
            self.object_type,
            self.object_id,
            self.details_text,
        ]


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def readable_changes(changes) -> list[tuple[str, str]]:
    """``changes`` as (key, text) pairs without the action (it has its own column), by key (PostgreSQL's jsonb keeps
    no order): a ``{"before", "after"}`` pair (an admin change) as "before → after", nested values as compact JSON,
    nothing lost."""
    if not isinstance(changes, dict):
        return [("", _shown(changes))]
    details = []
    for key, value in sorted(changes.items()):
        if key == "action":
            continue
        if isinstance(value, dict) and value.keys() == {"before", "after"}:
            details.append((key, f"{_shown(value['before'])} → {_shown(value['after'])}"))
        else:
            details.append((key, _shown(value)))
    return details


@cache
def _model_names() -> dict:
    return {model._meta.label_lower: model._meta.verbose_name for model in apps.get_models()}


def audit_row(event: AuditEvent, type_labels: dict[str, str]) -> AuditRow:
    action = event.changes.get("action", "") if isinstance(event.changes, dict) else ""
    return AuditRow(
        pk=event.pk,
        occurred_at=event.occurred_at,
        username=event.username,
        ip_address=event.ip_address,
        event_type=type_labels.get(event.event_type, event.event_type),
        action=_shown(action) if action else "",
        object_type=event.object_type,
        object_id=event.object_id,
        details=readable_changes(event.changes),
    )


def _type_labels() -> dict[str, str]:
    # Translated now: a streamed export writes its rows after the view has returned.
    return {value: str(label) for value, label in AuditEvent.Type.choices}


def _headers() -> list[str]:
    field = AuditEvent._meta.get_field
    names = ["occurred_at", "username", "ip_address", "event_type"]
    return [
        *(str(field(name).verbose_name) for name in names),
        _("操作"),
        *(str(field(name).verbose_name) for name in ["object_type", "object_id", "changes"]),
    ]


def _to_the_second(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _filename(extension: str) -> str:
    return _("审计日志-%(date)s.%(extension)s") % {
        "date": timezone.localdate().strftime("%Y%m%d"),
        "extension": extension,
    }


def _csv(rows, headers: list[str]) -> StreamingHttpResponse:
    # The time to the second, as on the page (a CSV field of a datetime stops at the minute).
    lines = csv_lines(headers, ([_to_the_second(row.occurred_at), *row.values()[1:]] for row in rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    # What ``private_file`` sets on a file: never cached, never sniffed into something else.
    response["Content-Disposition"] = content_disposition_header(True, _filename("csv"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _xlsx(rows, headers: list[str]):
    workbook = Workbook(write_only=True)
    sheet = add_sheet(workbook, _("审计日志"), headers, widths={1: 20, 2: 20, 3: 16, 5: 24, 6: 28, 8: 80})
    for row in rows:
        append(sheet, [timestamp_cell(sheet, row.occurred_at), *row.values()[1:]])
    # Closed, and so removed, by the response once sent: a ``with`` block would close it before.
    stream = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(stream)
    stream.seek(0)
    return private_file(stream, filename=_filename("xlsx"), content_type=XLSX)


EXPORTS = {"csv": _csv, "xlsx": _xlsx}


def _export(request, filterset: AuditEventFilter, events: QuerySet, kind: str):
    """The filtered events as they stand now: those written while the file is being written (this export's own
    event among them) are left out, so the file has exactly the rows its audit event counts. ``None`` (and a
    message) when they would not fit in an Excel sheet."""
    last = AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    events = events.filter(pk__lte=last)
    count = events.count()
    if kind == "xlsx" and count > XLSX_MAX_ROWS:
        messages.error(
            request,
            _("共 %(count)d 条，超过 Excel 工作表的行数上限（%(limit)d 行）：请缩小筛选范围，或导出 CSV。")
            % {"count": count, "limit": XLSX_MAX_ROWS},
        )
        return None
    record_audit(
        event_type=AuditEvent.Type.RECORD_CHANGED,
        actor=request.user,
        request=request,
        changes={"action": EXPORT_ACTION, "format": kind, "filters": filterset.applied(), "rows": count},
    )
    labels = _type_labels()
    rows = (audit_row(event, labels) for event in events.iterator(chunk_size=CHUNK))
    return EXPORTS[kind](rows, _headers())


@login_required
def audit(request):
    if not request.user.is_portal_admin:
        raise PermissionDenied
    filterset = AuditEventFilter(request.GET, queryset=AuditEvent.objects.all())
    valid = filterset.is_valid()
    events = filterset.qs if valid else AuditEvent.objects.none()
    kind = request.GET.get("export")
    if kind:
        if kind not in EXPORTS:
            messages.error(request, _("不支持的导出格式：%(format)s。") % {"format": kind})
        elif not valid:
            messages.error(request, _("筛选条件有误，未导出。请先更正。"))
        else:
            exported = _export(request, filterset, events, kind)
            if exported is not None:
                return exported
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = _type_labels()
    page.object_list = [audit_row(event, labels) for event in page.object_list]
    filtered = any(request.GET.get(name) for name in filterset.filters)
    return render(request, "portal/audit.html", {"filter": filterset, "page": page, "filtered": filtered})
