"""`studybot schedule …` on the command line, and a queued drop reaching the running service.

The commands run in this process (tests/support/cli.py) but for one, which runs as a real
`studybot` subprocess; one running service is shared by the tests that need it."""

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
from tests.support.cli import run_cli
from tests.support.waiting import PATIENCE_SECONDS

PLAYGROUND = "web:playground:study-room"


# The tests sharing the running service stay on one test process (pytest --dist loadgroup).
with_service = pytest.mark.xdist_group("schedule_cli_service")


def data_env(folder: Path) -> dict[str, str]:
    return {"STUDYBOT_DATA_DIR": str(folder / "data"), "STUDYBOT_CONTENT_DIR": str(MINIPACK)}


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return data_env(tmp_path)


@pytest.fixture(scope="module")
def served_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The data folder of the shared running service (each test uses its own channels' state)."""
    return data_env(tmp_path_factory.mktemp("served"))


@pytest.fixture(scope="module")
def service(served_env: dict[str, str]):  # type: ignore[no-untyped-def]
    """A running `studybot serve` with a one-second engine tick; yields its base URL."""
    env = served_env
    port = free_port()
    log = open(Path(env["STUDYBOT_DATA_DIR"]).parent / "serve.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        env={**os.environ, **env, "STUDYBOT_PORT": str(port), "STUDYBOT_TICK_SECONDS": "1"},
        cwd=ROOT,
        stdout=log,
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
        proc.wait(timeout=60)
        log.close()


@with_service
def test_bad_input_is_refused_with_the_reason(served_env: dict[str, str], service: str) -> None:
    env = served_env
    base = ["schedule", "add", "--channel", PLAYGROUND, "--days", "weekdays"]
    bad_zone = run_cli(*base, "--time", "09:00", "--timezone", "Berlin", env=env)
    assert bad_zone.returncode == 2
    assert "timezone: unknown time zone 'Berlin'" in bad_zone.stderr
    assert "did you mean Europe/Berlin?" in bad_zone.stderr
    bad_time = run_cli(*base, "--time", "25:00", "--timezone", "UTC", env=env)
    assert bad_time.returncode == 2
    assert "time: '25:00' is not a time of day" in bad_time.stderr
    unknown = run_cli(
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
    malformed = run_cli("schedule", "pause", "--channel", "nope", env=env)
    assert "is not PLATFORM:WORKSPACE:CHANNEL" in malformed.stderr
    assert "Traceback" not in bad_zone.stderr + bad_time.stderr + unknown.stderr + malformed.stderr


@with_service
def test_add_list_pause_resume_remove(served_env: dict[str, str], service: str) -> None:
    env = served_env
    added = run_cli(
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
    listed = run_cli("schedule", "list", env=env)
    assert (
        "web:playground:study-room (Study room): mon,wed,fri at 09:30 Europe/Berlin, window 2h, "
        "reveal at_close, focus D2, active"
    ) in listed.stdout
    assert "paused" in run_cli("schedule", "pause", "--channel", PLAYGROUND, env=env).stdout.lower()
    assert ", paused" in run_cli("schedule", "list", env=env).stdout
    resumed = run_cli("schedule", "resume", "--channel", PLAYGROUND, env=env)
    assert "Resumed web:playground:study-room; next drop:" in resumed.stdout
    assert run_cli("schedule", "remove", "--channel", PLAYGROUND, env=env).returncode == 0
    assert "No schedules yet" in run_cli("schedule", "list", env=env).stdout
    again = run_cli("schedule", "remove", "--channel", PLAYGROUND, env=env)
    assert again.returncode == 2
    assert "no schedule to remove" in again.stderr


@with_service
def test_a_queued_drop_arrives_in_the_playground(served_env: dict[str, str], service: str) -> None:
    env = served_env
    # a real `studybot` process, as an operator runs it beside the service
    queued = studybot("schedule", "drop-now", "--channel", PLAYGROUND, "--focus", "D2", env=env)
    assert queued.returncode == 0, queued.stderr
    assert "Queued question #1 (D2 D2.1)" in queued.stdout
    deadline = time.monotonic() + 120  # a loaded machine starts slowly
    page = ""
    while time.monotonic() < deadline:
        page = httpx.get(f"{service}/", timeout=PATIENCE_SECONDS).text
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
    added = run_cli(
        "schedule", "add", "--channel", TEAMS_CHANNEL, *week, "--window", "45m", env=env
    )
    assert added.returncode == 0, added.stderr
    assert f"Saved the schedule of {TEAMS_CHANNEL}." in added.stdout
    assert run_cli("schedule", "add", "--channel", TEAMS_PERSONAL, *week, env=env).returncode == 0
    listed = run_cli("schedule", "list", env=env).stdout
    # what `list` prints is what every other subcommand takes back
    printed = re.findall(r"^(teams:\S+) \(DevOps\)", listed, re.MULTILINE)
    assert sorted(printed) == sorted([TEAMS_CHANNEL, TEAMS_PERSONAL])
    one = run_cli("schedule", "list", "--channel", printed[0], env=env)
    assert one.returncode == 0, one.stderr
    assert one.stdout.count("(DevOps)") == 1
    paused = run_cli("schedule", "pause", "--channel", TEAMS_CHANNEL, env=env)
    assert paused.returncode == 0, paused.stderr
    assert f"{TEAMS_CHANNEL} (DevOps): mon,tue,wed,thu,fri at 09:00 Europe/Berlin, window 45m" in (
        run_cli("schedule", "list", "--channel", TEAMS_CHANNEL, env=env).stdout
    )
    resumed = run_cli("schedule", "resume", "--channel", TEAMS_CHANNEL, env=env)
    assert resumed.returncode == 0, resumed.stderr
    queued = run_cli("schedule", "drop-now", "--channel", TEAMS_PERSONAL, env=env)
    assert queued.returncode == 0, queued.stderr
    assert "Queued question #1" in queued.stdout
    removed = run_cli("schedule", "remove", "--channel", TEAMS_CHANNEL, env=env)
    assert removed.returncode == 0, removed.stderr
    assert TEAMS_CHANNEL not in run_cli("schedule", "list", env=env).stdout
    outputs = added.stderr + one.stderr + paused.stderr + resumed.stderr + removed.stderr
    assert "PLATFORM:WORKSPACE:CHANNEL" not in outputs


def test_a_second_add_needs_replace_and_says_what_it_replaces(env: dict[str, str]) -> None:
    _register(env, PLAYGROUND)
    first = ["--days", "mon", "--time", "09:00", "--timezone", "UTC", "--window", "2h"]
    assert run_cli("schedule", "add", "--channel", PLAYGROUND, *first, env=env).returncode == 0
    second = ["--days", "fri", "--time", "17:00", "--timezone", "UTC", "--window", "1h"]
    refused = run_cli("schedule", "add", "--channel", PLAYGROUND, *second, env=env)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"studybot: {PLAYGROUND} already has a schedule (mon at 09:00 UTC, window 2h); add "
        "--replace to replace it, or change it with pause, resume or remove"
    )
    assert "mon at 09:00 UTC, window 2h" in run_cli("schedule", "list", env=env).stdout
    replaced = run_cli("schedule", "add", "--channel", PLAYGROUND, *second, "--replace", env=env)
    assert replaced.returncode == 0, replaced.stderr
    assert (
        f"Replaced the schedule of {PLAYGROUND} (was: mon at 09:00 UTC, window 2h)."
        in replaced.stdout
    )
    assert "fri at 17:00 UTC, window 1h" in run_cli("schedule", "list", env=env).stdout


def test_bare_window_and_unknown_day_are_refused_on_the_command_line(env: dict[str, str]) -> None:
    _register(env, PLAYGROUND)
    base = ["schedule", "add", "--channel", PLAYGROUND, "--time", "09:00", "--timezone", "UTC"]
    bare = run_cli(*base, "--days", "mon", "--window", "8", env=env)
    assert bare.returncode == 2
    assert "window: '8' has no unit; write 8m for 8 minutes or 8h for 8 hours" in bare.stderr
    monkey = run_cli(*base, "--days", "monkey", env=env)
    assert monkey.returncode == 2
    assert "days: unknown day 'monkey'; use mon, tue, wed, thu, fri, sat, sun" in monkey.stderr
    typo = run_cli(*base[:-1], "Europe/Berln", "--days", "mon", env=env)
    assert "did you mean Europe/Berlin?" in typo.stderr
    assert "No schedules yet" in run_cli("schedule", "list", env=env).stdout
