"""Keeps tokens, secrets, response URLs and dashboard links out of the Slack libraries' logs.

At DEBUG, slack_sdk logs every request and response: webhook bodies (which carry the
`/studybot dashboard` link), response URLs (each lets anyone post into a conversation for 30
minutes), and OAuth bodies with tokens. Every record of the slack_bolt, slack_sdk, slack and
studybot.slack loggers is rewritten when it is made, before any handler sees it, whatever its
level: Slack tokens become [token], the configured secrets [secret], and a URL keeps only its
scheme and host unless it is a Web API method (…/api/chat.postMessage).
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Iterable
from typing import Any

LOGGERS = ("slack_bolt", "slack_sdk", "slack", "studybot.slack")
TOKEN = re.compile(r"\bx(?:ox[a-z]?|app)[-.][A-Za-z0-9.\-]+")
URL = re.compile(r"(https?:(?:\\?/){2}[^\s/\\'\"<>|)]+)((?:\\?/)[^\s'\"<>|)]*)?")
API_PATH = re.compile(r"^(?:\\?/)api(?:\\?/)[A-Za-z.]+$")
MIN_SECRET = 8  # shorter configured values would redact ordinary words

_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def install(secrets: Iterable[str | None] = ()) -> None:
    """Redact from now on (idempotent); `secrets` are values never to be logged verbatim."""
    global _installed
    with _lock:
        _secrets.update(s for s in secrets if s and len(s) >= MIN_SECRET)
        if _installed:
            return
        make = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = make(*args, **kwargs)
            if watched(record.name):
                _scrub(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True


def redact(text: str) -> str:
    """The text with tokens, secrets, and URLs other than Web API methods taken out."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, "[secret]")
    text = TOKEN.sub("[token]", text)
    return URL.sub(_url, text)


def _url(match: re.Match[str]) -> str:
    path = match.group(2) or ""
    if not path or API_PATH.match(path):
        return match.group(0)
    return f"{match.group(1)}/[redacted]"


def watched(name: str) -> bool:
    """Whether records of this logger are redacted (bolt also names loggers after the app:
    "studybot" and "studybot:<listener>")."""
    if name == "studybot" or name.startswith("studybot:"):
        return True
    return any(name == p or name.startswith(p + ".") for p in LOGGERS)


def _scrub(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: keep only its format string
        message = str(record.msg)
    record.msg, record.args = redact(message), None
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
