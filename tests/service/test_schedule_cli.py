"""`studybot schedule …` on the command line, and a queued drop reaching the running service."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import MINIPACK
from tests.service.test_startup import ROOT, free_port, studybot

PLAYGROUND = "web:playground:study-room"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"STUDYBOT_DATA_DIR": str(tmp_path / "data"), "STUDYBOT_CONTENT_DIR": str(MINIPACK)}


@pytest.fixture
def service(env: dict[str, str]):  # type: ignore[no-untyped-def]
    """A running `studybot serve` with a one-second engine tick; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        env={**os.environ, **env, "STUDYBOT_PORT": str(port), "STUDYBOT_TICK_SECONDS": "1"},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a loaded machine starts slowly
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.communicate(timeout=60)


def test_bad_input_is_refused_with_the_reason(env: dict[str, str], service: str) -> None:
    base = ["schedule", "add", "--channel", PLAYGROUND, "--days", "weekdays"]
    bad_zone = studybot(*base, "--time", "09:00", "--timezone", "Berlin", env=env)
    assert bad_zone.returncode == 2
    assert "timezone: unknown time zone 'Berlin'" in bad_zone.stderr
    assert "did you mean Europe/Berlin?" in bad_zone.stderr
    bad_time = studybot(*base, "--time", "25:00", "--timezone", "UTC", env=env)
    assert bad_time.returncode == 2
    assert "time: '25:00' is not a time of day" in bad_time.stderr
    unknown = studybot(
        "schedule",
        "add",
        "--channel",
        "web:playground:nope",
        "--days",
        "mon",
        "--time",
        "09:00",
        "--timezone",
        "UTC",
        env=env,
    )
    assert unknown.returncode == 2
    assert "not a studybot study channel yet" in unknown.stderr
    malformed = studybot("schedule", "pause", "--channel", "nope", env=env)
    assert "is not PLATFORM:WORKSPACE:CHANNEL" in malformed.stderr
    assert "Traceback" not in bad_zone.stderr + bad_time.stderr + unknown.stderr + malformed.stderr


def test_add_list_pause_resume_remove(env: dict[str, str], service: str) -> None:
    added = studybot(
        "schedule",
        "add",
        "--channel",
        PLAYGROUND,
        "--days",
        "mon,wed,fri",
        "--time",
        "09:30",
        "--timezone",
        "Europe/Berlin",
        "--window",
        "2h",
        "--focus",
        "D2",
        env=env,
    )
    assert added.returncode == 0, added.stderr
    assert "Saved the schedule of web:playground:study-room." in added.stdout
    assert re.search(r"next drop: \d{4}-\d\d-\d\d 09:30 Europe/Berlin", added.stdout)
    listed = studybot("schedule", "list", env=env)
    assert (
        "web:playground:study-room (Study room): mon,wed,fri at 09:30 Europe/Berlin, window 2h, "
        "reveal at_close, focus D2, active"
    ) in listed.stdout
    assert (
        "paused" in studybot("schedule", "pause", "--channel", PLAYGROUND, env=env).stdout.lower()
    )
    assert ", paused" in studybot("schedule", "list", env=env).stdout
    resumed = studybot("schedule", "resume", "--channel", PLAYGROUND, env=env)
    assert "Resumed web:playground:study-room; next drop:" in resumed.stdout
    assert studybot("schedule", "remove", "--channel", PLAYGROUND, env=env).returncode == 0
    assert "No schedules yet" in studybot("schedule", "list", env=env).stdout
    again = studybot("schedule", "remove", "--channel", PLAYGROUND, env=env)
    assert again.returncode == 2
    assert "no schedule to remove" in again.stderr


def test_a_queued_drop_arrives_in_the_playground(env: dict[str, str], service: str) -> None:
    queued = studybot("schedule", "drop-now", "--channel", PLAYGROUND, "--focus", "D2", env=env)
    assert queued.returncode == 0, queued.stderr
    assert "Queued question #1 (D2 D2.1)" in queued.stdout
    deadline = time.monotonic() + 120  # a loaded machine starts slowly
    page = ""
    while time.monotonic() < deadline:
        page = httpx.get(f"{service}/").text
        if "Question #1" in page:
            break
        time.sleep(0.2)
    assert "Question #1 · D2 Monitoring" in page
    assert 'action="/playground/answer"' in page
