"""Logs: one JSON object per line with the bound ids, text otherwise, and nothing secret in
either format at any level, from any logger."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.errors import SettingsError
from bot.observability import logs, redaction
from bot.settings import Settings

SECRET = "a-configured-signing-secret"
LINK = "https://study.example.org/dashboard/enter?token=eyJwIjoic2xhY2sifQ.c2lnbmF0dXJl"
RESPONSE_URL = "https://hooks.slack.com/actions/T1/123/abcdef"
BOT_TOKEN = "xoxb-1-2-abcdef"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJhcHAifQ.c2lnbmF0dXJl"


@pytest.fixture
def root() -> Iterator[logging.Logger]:
    """The root logger, given back as it was (configure() replaces its handlers)."""
    logger = logging.getLogger()
    handlers, level = list(logger.handlers), logger.level
    yield logger
    for h in list(logger.handlers):
        logger.removeHandler(h)
    for h in handlers:
        logger.addHandler(h)
    logger.setLevel(level)


def capture(root: logging.Logger, fmt: str) -> io.StringIO:
    handler = logs.configure("DEBUG", fmt, [SECRET])
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    handler.setStream(stream)
    assert root.handlers == [handler]
    return stream


def test_json_lines_carry_time_level_logger_message_and_the_bound_ids(
    root: logging.Logger,
) -> None:
    stream = capture(root, "json")
    with logs.bound(request_id="r-1", org="T1", channel="C1", drop=42):
        logging.getLogger("studybot.engine").info("posted drop %d", 42)
    logging.getLogger("studybot.engine").warning("after the block")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "posted drop 42"
    assert first["level"] == "info"
    assert first["logger"] == "studybot.engine"
    assert first["time"].endswith("Z")
    assert (first["request_id"], first["org"], first["channel"], first["drop"]) == (
        "r-1",
        "T1",
        "C1",
        42,
    )
    assert "request_id" not in second  # the ids belong to the work they were bound for


@pytest.mark.parametrize("fmt", ["json", "text"])
@pytest.mark.parametrize(
    "logger", ["studybot", "studybot.engine", "uvicorn.error", "botbuilder", "slack_sdk"]
)
def test_no_secret_link_or_response_url_reaches_any_log(
    root: logging.Logger, fmt: str, logger: str
) -> None:
    stream = capture(root, fmt)
    log = logging.getLogger(logger)
    # uvicorn's own set-up (another test in this process ran it) is undone up the hierarchy
    chain = [
        logging.getLogger(".".join(logger.split(".")[: n + 1]))
        for n in range(logger.count(".") + 1)
    ]
    saved = [(each, each.handlers, each.propagate, each.disabled) for each in chain]
    for each in chain:
        each.handlers, each.propagate, each.disabled = [], True, False
    log.setLevel(logging.DEBUG)
    try:
        log.debug(
            "link %s url %s token %s jwt %s secret %s", LINK, RESPONSE_URL, BOT_TOKEN, JWT, SECRET
        )
        try:
            raise RuntimeError(f"failed with {SECRET} at {RESPONSE_URL}")
        except RuntimeError:
            log.exception("a failure")
    finally:
        log.setLevel(logging.NOTSET)
        for each, handlers, propagate, disabled in saved:
            each.handlers, each.propagate, each.disabled = handlers, propagate, disabled
    text = stream.getvalue()
    assert "a failure" in text
    assert "RuntimeError" in text  # the traceback is there, without what it carried
    for forbidden in (SECRET, LINK, LINK.split("token=")[1], RESPONSE_URL, BOT_TOKEN, JWT):
        assert forbidden not in text
    assert "https://study.example.org/" in text  # where it pointed stays readable
    if fmt == "json":
        assert all(json.loads(line) for line in text.splitlines() if line.startswith("{"))


def test_an_ordinary_address_stays_readable(root: logging.Logger) -> None:
    stream = capture(root, "text")
    logging.getLogger("studybot").warning("studybot is running at http://127.0.0.1:8000/healthz")
    assert "http://127.0.0.1:8000/healthz" in stream.getvalue()


def test_secret_settings_are_found_by_name() -> None:
    env = {
        "STUDYBOT_SLACK_SIGNING_SECRET": "s1",
        "STUDYBOT_SLACK_TOKEN_KEY": "k1, k2",
        "STUDYBOT_TEAMS_APP_PASSWORD": "p1",
        "STUDYBOT_METRICS_TOKEN": "t1",
        "STUDYBOT_WEB_SECRET_FILE": "/run/secrets/web",
        "STUDYBOT_PORT": "8000",
        "STUDYBOT_DATABASE_URL": "postgresql://studybot:db-pass@db.example.org/studybot",
        "HOME": "/root",
    }
    assert sorted(redaction.secrets_in(env)) == ["db-pass", "k1", "k2", "p1", "s1", "t1"]


def test_bad_log_format_and_metrics_settings_are_named_together(tmp_path: object) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(
            {
                "STUDYBOT_LOG_FORMAT": "xml",
                "STUDYBOT_METRICS_TOKEN": "short",
                "STUDYBOT_METRICS_PORT": "0",
            }
        )
    message = str(caught.value)
    assert "STUDYBOT_LOG_FORMAT must be text or json" in message
    assert "STUDYBOT_METRICS_TOKEN must be at least 16 characters" in message
    assert "STUDYBOT_METRICS_PORT must be a whole number from 1 to 65535" in message
