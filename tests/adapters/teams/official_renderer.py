"""The official `adaptivecards` renderer (npm, run by Node) as a validator for the tests.

Node is a test tool only. The first check installs the pinned package with `npm ci` into
tests/adapters/teams/cardcheck (once per clone, under a file lock so parallel workers wait),
then keeps one `node validate.js` process per test process, one card per line.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

TOOL = Path(__file__).parent / "cardcheck"
INSTALLED = TOOL / "node_modules" / "adaptivecards" / "package.json"
_lock = threading.Lock()
_process: subprocess.Popen[str] | None = None


class RendererUnavailable(AssertionError):
    """Node or npm is missing or the install failed: the card check cannot run."""


def _install() -> None:
    if INSTALLED.exists():
        return
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise RendererUnavailable(
            "the Teams card tests validate every card with the official adaptivecards renderer, "
            "which needs Node.js 18+ and npm on PATH: install them (e.g. apt-get install nodejs "
            "npm) and run the tests again"
        )
    with (TOOL / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if INSTALLED.exists():  # another worker installed it meanwhile
            return
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=TOOL,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            raise RendererUnavailable(f"npm ci in {TOOL} failed:\n{done.stderr[-2000:]}")


def _renderer() -> subprocess.Popen[str]:
    global _process
    if _process is None or _process.poll() is not None:
        _install()
        _process = subprocess.Popen(
            ["node", str(TOOL / "validate.js")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        atexit.register(_process.kill)
    return _process


def renderer_problems(card: dict[str, Any]) -> list[str]:
    """What the official renderer reports for the card at schema 1.5 ([] when it is valid)."""
    with _lock:
        process = _renderer()
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write(json.dumps(card) + "\n")
        process.stdin.flush()
        line = process.stdout.readline()
    if not line:
        raise RendererUnavailable("the adaptivecards validator stopped unexpectedly")
    problems: list[str] = json.loads(line)
    return problems
