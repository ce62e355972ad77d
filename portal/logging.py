"""JSON log lines on stdout, each carrying the id of the request that wrote it (``RequestIdMiddleware`` sets it)."""

import json
import logging
from contextvars import ContextVar
from datetime import datetime

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# Fields the request log adds with ``extra=``; written when present.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        line.update({field: getattr(record, field) for field in REQUEST_FIELDS if hasattr(record, field)})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
