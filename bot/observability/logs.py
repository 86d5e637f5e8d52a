"""Logging set-up: text for a terminal or one JSON object per line (structlog), always redacted.

The JSON lines carry time, level, logger and message, and the ids bound for the work under way
(request_id, trace_id, org, channel, drop) through structlog's context variables.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

import structlog

from bot.observability import redaction
from bot.observability.tracing import current_trace_id

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
bind = structlog.contextvars.bind_contextvars  # bind(org=…, channel=…, drop=…) for what follows
bound = structlog.contextvars.bound_contextvars  # the same, for the length of a `with` block


def configure(level: str, fmt: str, secrets: Iterable[str] = ()) -> logging.Handler:
    """Send every logger's records to standard error in `fmt` ("text" or "json") at `level`."""
    redaction.install(secrets)
    handler = logging.StreamHandler()
    handler.setFormatter(json_formatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def json_formatter() -> logging.Formatter:
    """One JSON object per record, with the context variables bound where it was logged."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
            _trace_id,
            _exception_text,
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.EventRenamer("message"),
            structlog.processors.JSONRenderer(),
        ],
    )


def _trace_id(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """The trace the record was logged in, when tracing is on."""
    trace_id = current_trace_id()
    if trace_id is not None:
        event.setdefault("trace_id", trace_id)
    return event


def _exception_text(
    _: Any, __: str, event: MutableMapping[str, Any]
) -> Mapping[str, Any] | MutableMapping[str, Any]:
    """A record's traceback as one field, redacted (the record factory already did it when the
    record was made with its exception)."""
    exc_info = event.pop("exc_info", None)
    record = event.get("_record")
    if isinstance(record, logging.LogRecord) and record.exc_text:
        event["exception"] = record.exc_text
    elif exc_info:
        trace = logging.Formatter().formatException(exc_info)
        event["exception"] = redaction.redact(trace, strict=False)
    return event
