"""Start-up: a broken pack, a bad URL or an unreachable database give one clear line, exit 2."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import MINIPACK

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
    result = studybot(
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
    lint = studybot("content", "lint", str(MINIPACK), env={})
    assert lint.returncode == 0
    assert "0 error(s), 21 warning(s)" in lint.stdout  # six short stems, fifteen look-alike pairs
    assert "q-01 and q-02 look alike" in lint.stdout
    strict = studybot("content", "lint", "--strict", str(MINIPACK), env={})
    assert strict.returncode == 1
    stats = studybot("content", "stats", str(MINIPACK), env={})
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
    result = studybot(*command, env={})
    assert result.returncode == 2
    assert "pack.yaml: file not found in /nowhere" in result.stderr
