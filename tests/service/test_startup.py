"""Start-up: a broken pack, a bad URL or an unreachable database give one clear line, exit 2."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import MINIPACK
from tests.support.cli import run_cli
from tests.support.waiting import PATIENCE_SECONDS

ROOT = Path(__file__).parents[2]


def studybot(
    *args: str, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_broken_content_refuses_to_start(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(MINIPACK, pack)
    path = pack / "questions" / "D2.yaml"
    path.write_text(path.read_text().replace("key:\n  - d", "key:\n  - z"))
    result = studybot(
        "serve", env={"STUDYBOT_CONTENT_DIR": str(pack), "STUDYBOT_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == 2
    assert "questions/D2.yaml [q-05] key: names options that do not exist: z" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_database_url_is_one_line(tmp_path: Path) -> None:
    result = studybot(
        "serve", env={"STUDYBOT_DATABASE_URL": "::::", "STUDYBOT_CONTENT_DIR": str(MINIPACK)}
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "studybot: STUDYBOT_DATABASE_URL is not a database URL: '::::'; use "
        "sqlite:///data/studybot.db or postgresql://user@host:5432/dbname"
    ]


def test_unreachable_database_is_one_line() -> None:
    port = free_port()  # nothing listens there
    result = run_cli(
        "migrate",
        env={
            "STUDYBOT_DATABASE_URL": f"postgresql://nobody:secret@127.0.0.1:{port}/x",
            "STUDYBOT_CONTENT_DIR": str(MINIPACK),
        },
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        f"studybot: cannot open the database postgresql+asyncpg://nobody:***@127.0.0.1:{port}/x"
    )
    assert "secret" not in result.stderr


def test_unwritable_sqlite_folder_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = studybot(
        "serve",
        env={
            "STUDYBOT_DATABASE_URL": f"sqlite:///{blocker}/sub/x.db",
            "STUDYBOT_CONTENT_DIR": str(MINIPACK),
        },
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"studybot: cannot create the folder for the database {blocker}/sub/x.db: Not a directory"
    ]


def test_content_lint_and_stats_commands(tmp_path: Path) -> None:
    lint = run_cli("content", "lint", str(MINIPACK), env={})
    assert lint.returncode == 0
    assert "0 error(s), 21 warning(s)" in lint.stdout  # six short stems, fifteen look-alike pairs
    assert "q-01 and q-02 look alike" in lint.stdout
    strict = run_cli("content", "lint", "--strict", str(MINIPACK), env={})
    assert strict.returncode == 1
    stats = run_cli("content", "stats", str(MINIPACK), env={})
    assert stats.returncode == 0
    assert "D1             4   66.7%    60-80  %   ok  Pipelines" in stats.stdout


def test_serve_starts_migrates_and_answers_healthz(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "STUDYBOT_DATA_DIR": str(tmp_path / "data"),
        "STUDYBOT_CONTENT_DIR": str(MINIPACK),
        "STUDYBOT_PORT": str(port),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120  # a loaded machine starts slowly
        body = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                body = response.json()
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert body == {"status": "ok", "database": "sqlite", "exam": "MINI-1", "questions": 6}
        assert (tmp_path / "data" / "studybot.db").is_file()
    finally:
        proc.terminate()
        output = proc.communicate(timeout=60)[0]
    assert f"studybot is running at http://127.0.0.1:{port}/" in output


@pytest.mark.parametrize("command", [["content", "stats", "/nowhere"]])
def test_missing_pack_folder_is_reported(command: list[str]) -> None:
    result = run_cli(*command, env={})
    assert result.returncode == 2
    assert "pack.yaml: file not found in /nowhere" in result.stderr


def _serve(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_healthy(port: int, proc: subprocess.Popen[str], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError("the service did not answer /healthz")


def _wait_for_line(proc: subprocess.Popen[str], text: str) -> list[str]:
    """Read the merged output until a line containing `text` (the process keeps running)."""
    assert proc.stdout is not None
    seen: list[str] = []
    for line in proc.stdout:
        seen.append(line)
        if text in line:
            return seen
    raise AssertionError(f"{text!r} never printed; output was:\n{''.join(seen)}")


def test_a_busy_port_is_one_line_and_starts_no_engine(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = studybot(
            "serve",
            env={
                "STUDYBOT_DATA_DIR": str(tmp_path / "data"),
                "STUDYBOT_CONTENT_DIR": str(MINIPACK),
                "STUDYBOT_PORT": str(port),
            },
        )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"studybot: port {port} on 127.0.0.1 is already taken (is studybot already running?); "
        f"stop that program or choose another port, e.g. STUDYBOT_PORT={port + 1}"
    ]
    assert "studybot is running" not in result.stdout + result.stderr
    assert "drop engine" not in result.stdout + result.stderr
    # the port is taken before anything else: the database was never opened or migrated
    assert not (tmp_path / "data" / "studybot.db").exists()


def test_dashboard_links_default_to_the_served_port(tmp_path: Path) -> None:
    port = free_port()
    env = {
        "STUDYBOT_DATA_DIR": str(tmp_path / "data"),
        "STUDYBOT_CONTENT_DIR": str(MINIPACK),
        "STUDYBOT_PORT": str(port),
        "STUDYBOT_WEB_SECRET": "w" * 40,
    }
    link = run_cli("dashboard-link", "--platform", "web", "--workspace", "playground", env=env)
    assert link.returncode == 0, link.stderr
    assert link.stdout.startswith(f"http://127.0.0.1:{port}/dashboard/enter?token=")
    proc = _serve(env)
    try:
        _wait_healthy(port, proc)
        # the link the CLI printed opens the playground's dashboard on the running service
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=PATIENCE_SECONDS) as client:
            entered = client.get(link.stdout.strip(), follow_redirects=True)
        assert entered.status_code == 200
        assert "Playground" in entered.text
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


@pytest.mark.parametrize(
    "moment", ["Running upgrade", "studybot is running", "drop engine ticking"]
)
def test_ctrl_c_never_prints_a_traceback(tmp_path: Path, moment: str) -> None:
    port = free_port()
    proc = _serve(
        {
            "STUDYBOT_DATA_DIR": str(tmp_path / "data"),
            "STUDYBOT_CONTENT_DIR": str(MINIPACK),
            "STUDYBOT_PORT": str(port),
        }
    )
    try:
        before = _wait_for_line(proc, moment)
    finally:
        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=30)[0]
    output = "".join(before) + rest
    assert "Traceback" not in output, output
    assert "Error" not in rest, rest
    assert proc.returncode in (0, 130)
