"""The image's command run exactly as the image runs it, from the installed wheel: the final
stage's ENV, WORKDIR, USER and CMD from deploy/container/Dockerfile, writable data folder only.

Base images cannot be pulled on the test machines, so the container runtime is replaced by
setpriv: the same uid/gid switch and no supplementary groups. One capability is kept,
CAP_DAC_READ_SEARCH, because this machine's Python lives under /root (mode 0700); it lets the
process read and traverse, never write, so "writes only to its data folder and /tmp" still holds:
everything else is owned by root and read-only to that user. Only STUDYBOT_HOST and
STUDYBOT_PORT are changed (loopback and a free port, as the machine is shared).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.deploy.installed import Installed, free_port, read_all, wait_for_health
from tests.support.waiting import PATIENCE_SECONDS

DOCKERFILE = Path(__file__).resolve().parents[2] / "deploy" / "container" / "Dockerfile"
IMAGE_VENV, IMAGE_DATA = "/opt/studybot", "/var/lib/studybot"
BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # python:*-slim


def final_stage() -> dict[str, object]:
    """ENV, USER, WORKDIR and CMD of the last stage (continuation lines joined)."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    last_from = max(i for i, line in enumerate(lines) if line.startswith("FROM "))
    stage: dict[str, object] = {"env": {}}
    env: dict[str, str] = {}
    for line in lines[last_from:]:
        word, _, rest = line.partition(" ")
        if word == "ENV":
            for name, value in re.findall(r"(\w+)=(\S+)", rest):
                env[name] = value.replace("$PATH", env.get("PATH", BASE_PATH))
        elif word in ("USER", "WORKDIR"):
            stage[word.lower()] = rest.strip()
        elif word == "CMD":
            stage["cmd"] = json.loads(rest)
    stage["env"] = env
    return stage


def test_the_image_command_serves_as_its_user_and_stops_cleanly_on_sigterm(
    installed: Installed,
) -> None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        reason = "switching to the image's user needs root and setpriv"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    stage = final_stage()
    uid, _, gid = str(stage["user"]).partition(":")
    assert int(uid) != 0, "the image must not run as root"
    assert stage["cmd"] == ["studybot", "serve"]
    env_in_image = dict(stage["env"])  # type: ignore[call-overload]
    assert env_in_image["STUDYBOT_PLAYGROUND"] == "off"
    assert env_in_image["STUDYBOT_DATA_DIR"] == IMAGE_DATA

    data = installed.venv.parent / "data"  # reachable by that user, unlike pytest's tmp_path
    data.mkdir()
    os.chown(data, int(uid), int(gid))
    port = free_port()

    def mapped(value: str) -> str:
        return value.replace(IMAGE_VENV, str(installed.venv)).replace(IMAGE_DATA, str(data))

    env = {name: mapped(value) for name, value in env_in_image.items()}
    env |= {"STUDYBOT_HOST": "127.0.0.1", "STUDYBOT_PORT": str(port), "HOME": "/nonexistent"}
    switch = [
        *("setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups"),
        *("--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"),
    ]
    process = subprocess.Popen(
        [*switch, *stage["cmd"]],  # type: ignore[misc]
        env=env,
        cwd=mapped(str(stage["workdir"])),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_health(base, process)
        assert httpx.get(f"{base}/", timeout=PATIENCE_SECONDS).status_code == 404, (
            "the playground must be off"
        )
        database = data / "studybot.db"
        assert database.is_file()
        assert database.stat().st_uid == int(uid)
        process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        code = process.wait(timeout=10)
        assert time.monotonic() - started < 10
    finally:
        output = read_all(process)
    assert code == 0, output
    assert "studybot stopped" in output
    assert "Permission denied" not in output, output
    assert "Traceback" not in output, output
