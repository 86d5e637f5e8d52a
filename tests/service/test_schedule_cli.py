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


TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
TEAMS_CHANNEL = f"teams:{TENANT}:19:a1b2c3d4e5f6@thread.tacv2"
TEAMS_PERSONAL = f"teams:{TENANT}:a:1xZ9-personal"


def _register(env: dict[str, str], *refs: str) -> None:
    """Create the study channels as the Teams door would at install, in the CLI's database."""
    import asyncio

    from bot.bootstrap import build_core
    from bot.cli_schedule import parse_channel
    from bot.service.commands import RegisterTeam
    from bot.service.directory import register_team
    from bot.settings import Settings

    async def run() -> None:
        core = await build_core(Settings.from_env(env))
        try:
            for ref in refs:
                await register_team(core, RegisterTeam(parse_channel(ref), "Contoso", "DevOps"))
        finally:
            await core.db.dispose()

    asyncio.run(run())


def test_every_subcommand_takes_a_teams_channel_id_with_colons(env: dict[str, str]) -> None:
    _register(env, TEAMS_CHANNEL, TEAMS_PERSONAL)
    week = ["--days", "weekdays", "--time", "09:00", "--timezone", "Europe/Berlin"]
    added = studybot(
        "schedule", "add", "--channel", TEAMS_CHANNEL, *week, "--window", "45m", env=env
    )
    assert added.returncode == 0, added.stderr
    assert f"Saved the schedule of {TEAMS_CHANNEL}." in added.stdout
    assert studybot("schedule", "add", "--channel", TEAMS_PERSONAL, *week, env=env).returncode == 0
    listed = studybot("schedule", "list", env=env).stdout
    # what `list` prints is what every other subcommand takes back
    printed = re.findall(r"^(teams:\S+) \(DevOps\)", listed, re.MULTILINE)
    assert sorted(printed) == sorted([TEAMS_CHANNEL, TEAMS_PERSONAL])
    one = studybot("schedule", "list", "--channel", printed[0], env=env)
    assert one.returncode == 0, one.stderr
    assert one.stdout.count("(DevOps)") == 1
    paused = studybot("schedule", "pause", "--channel", TEAMS_CHANNEL, env=env)
    assert paused.returncode == 0, paused.stderr
    assert f"{TEAMS_CHANNEL} (DevOps): mon,tue,wed,thu,fri at 09:00 Europe/Berlin, window 45m" in (
        studybot("schedule", "list", "--channel", TEAMS_CHANNEL, env=env).stdout
    )
    resumed = studybot("schedule", "resume", "--channel", TEAMS_CHANNEL, env=env)
    assert resumed.returncode == 0, resumed.stderr
    queued = studybot("schedule", "drop-now", "--channel", TEAMS_PERSONAL, env=env)
    assert queued.returncode == 0, queued.stderr
    assert "Queued question #1" in queued.stdout
    removed = studybot("schedule", "remove", "--channel", TEAMS_CHANNEL, env=env)
    assert removed.returncode == 0, removed.stderr
    assert TEAMS_CHANNEL not in studybot("schedule", "list", env=env).stdout
    outputs = added.stderr + one.stderr + paused.stderr + resumed.stderr + removed.stderr
    assert "PLATFORM:WORKSPACE:CHANNEL" not in outputs


def test_a_second_add_needs_replace_and_says_what_it_replaces(env: dict[str, str]) -> None:
    _register(env, PLAYGROUND)
    first = ["--days", "mon", "--time", "09:00", "--timezone", "UTC", "--window", "2h"]
    assert studybot("schedule", "add", "--channel", PLAYGROUND, *first, env=env).returncode == 0
    second = ["--days", "fri", "--time", "17:00", "--timezone", "UTC", "--window", "1h"]
    refused = studybot("schedule", "add", "--channel", PLAYGROUND, *second, env=env)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"studybot: {PLAYGROUND} already has a schedule (mon at 09:00 UTC, window 2h); add "
        "--replace to replace it, or change it with pause, resume or remove"
    )
    assert "mon at 09:00 UTC, window 2h" in studybot("schedule", "list", env=env).stdout
    replaced = studybot(
        "schedule", "add", "--channel", PLAYGROUND, *second, "--replace", env=env
    )
    assert replaced.returncode == 0, replaced.stderr
    assert (
        f"Replaced the schedule of {PLAYGROUND} (was: mon at 09:00 UTC, window 2h)."
        in replaced.stdout
    )
    assert "fri at 17:00 UTC, window 1h" in studybot("schedule", "list", env=env).stdout


def test_bare_window_and_unknown_day_are_refused_on_the_command_line(env: dict[str, str]) -> None:
    _register(env, PLAYGROUND)
    base = ["schedule", "add", "--channel", PLAYGROUND, "--time", "09:00", "--timezone", "UTC"]
    bare = studybot(*base, "--days", "mon", "--window", "8", env=env)
    assert bare.returncode == 2
    assert "window: '8' has no unit; write 8m for 8 minutes or 8h for 8 hours" in bare.stderr
    monkey = studybot(*base, "--days", "monkey", env=env)
    assert monkey.returncode == 2
    assert "days: unknown day 'monkey'; use mon, tue, wed, thu, fri, sat, sun" in monkey.stderr
    typo = studybot(*base[:-1], "Europe/Berln", "--days", "mon", env=env)
    assert "did you mean Europe/Berlin?" in typo.stderr
    assert "No schedules yet" in studybot("schedule", "list", env=env).stdout
