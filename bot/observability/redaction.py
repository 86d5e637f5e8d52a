"""Keeps tokens, secrets, response URLs and dashboard links out of every log, at every level.

Every record is rewritten when it is made, before any handler sees it: Slack tokens and
JSON Web Tokens become [token], the configured secrets [secret], a URL's query string
[redacted], and Slack's response URLs keep only their host. The Slack libraries' loggers get
the strict rule: at DEBUG slack_sdk logs every request and response (webhook bodies with the
`/studybot dashboard` link, response URLs that let anyone post into a conversation for 30
minutes, OAuth bodies with tokens), so there a URL keeps only its scheme and host unless it is a
Web API method (…/api/chat.postMessage).
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

LOGGERS = ("slack_bolt", "slack_sdk", "slack", "studybot.slack")
TOKEN = re.compile(
    r"\bx(?:ox[a-z]?|app)[-.][A-Za-z0-9.\-]+"  # Slack bot, user, refresh and app tokens
    r"|\beyJ[A-Za-z0-9_\-]*\.[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]*)?"  # JWTs, signed links
)
QUERY = re.compile(r"(https?:(?:\\?/){2}[^\s?'\"<>|)]+)\?[^\s'\"<>|)]*")
RESPONSE_URL = re.compile(r"(https?:(?:\\?/){2}hooks\.slack\.com)(?:\\?/)[^\s'\"<>|)]*")
SECRET_NAMES = ("SECRET", "TOKEN", "PASSWORD", "KEY")
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
            _scrub(record, strict=watched(record.name or ""))
            return record

        logging.setLogRecordFactory(factory)
        _installed = True


def secrets_in(env: Mapping[str, str]) -> list[str]:
    """The values of the STUDYBOT_ settings that hold secrets (…SECRET, …TOKEN, …PASSWORD, …KEY;
    a comma-separated list of keys counts as each of its keys), and the database's password."""
    found: list[str] = []
    password = urlsplit(env.get("STUDYBOT_DATABASE_URL", "")).password
    if password:
        found.append(password)
    for name, value in env.items():
        secret = any(part in name for part in SECRET_NAMES)
        if secret and name.startswith("STUDYBOT_") and not name.endswith("_FILE"):
            found.extend(v.strip() for v in value.split(",") if v.strip())
    return found


def redact(text: str, *, strict: bool = True) -> str:
    """The text with tokens and secrets taken out; `strict` (the Slack libraries' records) also
    drops every URL path but Web API methods, otherwise only query strings and response URLs."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, "[secret]")
    text = TOKEN.sub("[token]", text)
    if strict:
        return URL.sub(_url, text)
    text = RESPONSE_URL.sub(lambda m: f"{m.group(1)}/[redacted]", text)
    return QUERY.sub(lambda m: f"{m.group(1)}?[redacted]", text)


def _url(match: re.Match[str]) -> str:
    path = match.group(2) or ""
    if not path or API_PATH.match(path):
        return match.group(0)
    return f"{match.group(1)}/[redacted]"


def watched(name: str) -> bool:
    """Whether this logger gets the strict rule: the Slack libraries' and the Slack door's (bolt
    names its loggers after the app, "studybot.slack.app" and "studybot.slack.app:<listener>")."""
    return any(name == p or name.startswith(p + ".") for p in LOGGERS)


def _scrub(record: logging.LogRecord, *, strict: bool) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: keep only its format string
        message = str(record.msg)
    record.msg, record.args = redact(message, strict=strict), None
    if record.exc_info and record.exc_info[1] is not None:
        trace = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        record.exc_text = redact(trace, strict=strict)
    if record.stack_info:
        record.stack_info = redact(record.stack_info, strict=strict)
