"""Builds studybot's wheel from a copy of the sources and installs it into a throwaway venv.

The venv gets the wheel alone (`--no-deps`); a .pth line puts the project venv's site-packages
after the venv's own, so the dependencies are exactly the tested versions and the install takes
seconds. That .pth line adds a folder only: the checkout's editable-install hook inside it is not
run, and the test starts from an empty folder, so `bot` can only come from the installed wheel
(checked by `installed_location`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "bot", "adapters", "content")


@dataclass(frozen=True)
class Installed:
    venv: Path
    wheel: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def run(self, *args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=120,
        )


def build_and_install(work: Path) -> Installed:
    source = work / "src"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    shutil.copytree(ROOT / "deploy" / "teams", source / "deploy" / "teams")
    wheels = work / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(source)], check=True)
    (wheel,) = wheels.glob("studybot-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", str(wheel)], check=True)
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "studybot-test-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return Installed(venv=venv, wheel=wheel)


def clean_env(**extra: str) -> dict[str, str]:
    """The machine's environment without any STUDYBOT_ or PYTHON setting, plus `extra`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("STUDYBOT_", "PYTHON", "VIRTUAL_ENV"))
    }
    return {**env, **extra}


def installed_location(installed: Installed, module: str, cwd: Path) -> Path:
    out = installed.run(
        "python", "-c", f"import {module}; print({module}.__file__)", env=clean_env(), cwd=cwd
    )
    assert out.returncode == 0, out.stderr
    return Path(out.stdout.strip())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_health(base: str, process: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"studybot exited with {process.returncode}: {read_all(process)}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # polling interval, not a wait for something to happen
    raise AssertionError(f"studybot did not answer {base}/healthz within {seconds} s")


def read_all(process: subprocess.Popen[str]) -> str:
    if process.poll() is None:
        process.kill()
    out, _ = process.communicate(timeout=10)
    return out or ""
