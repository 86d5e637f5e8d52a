"""The built wheel, installed into a fresh venv and started from an empty folder, serves every
page, loads the bundled AZ-400 pack and builds the Teams app package."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import httpx

from tests.deploy.installed import (
    Installed,
    clean_env,
    free_port,
    installed_location,
    read_all,
    wait_for_health,
)
from tests.support.waiting import PATIENCE_SECONDS

WEB_SECRET = "wheel-test-signing-key-0123456789abcdef"
APP_ID = "00000000-0000-4000-8000-000000000018"


def test_the_wheel_carries_the_pack_templates_styles_and_teams_files(
    installed: Installed, empty_dir: Path
) -> None:
    bot = installed_location(installed, "bot", empty_dir)
    assert bot.is_relative_to(installed.venv), f"bot imported from {bot}, not the installed wheel"
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    for required in (
        "bot/bundled/content/az400/pack.yaml",
        "adapters/web/templates/dashboard/org.html",
        "adapters/web/static/dashboard.css",
        "adapters/teams/app/manifest.json",
        "adapters/teams/app/color.png",
        "bot/storage/migrations/env.py",
    ):
        assert required in names, f"{required} is missing from {installed.wheel.name}"


def test_installed_studybot_serves_every_page_from_an_empty_folder(
    installed: Installed, empty_dir: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = clean_env(
        STUDYBOT_PORT=str(port),
        STUDYBOT_WEB_SECRET=WEB_SECRET,
        STUDYBOT_PUBLIC_URL=base,
        STUDYBOT_SCHEDULER="off",
    )
    process = subprocess.Popen(
        [str(installed.bin / "studybot"), "serve"],
        env=env,
        cwd=empty_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_health(base, process)
        assert httpx.get(f"{base}/healthz", timeout=PATIENCE_SECONDS).json()["status"] == "ok"
        home = httpx.get(f"{base}/", timeout=PATIENCE_SECONDS)
        assert home.status_code == 200
        assert "<html" in home.text.lower()

        link = installed.run(
            "studybot",
            *(
                "dashboard-link",
                "--platform",
                "web",
                "--workspace",
                "playground",
                "--role",
                "admin",
            ),
            env=env,
            cwd=empty_dir,
        )
        assert link.returncode == 0, link.stderr
        with httpx.Client(follow_redirects=True, timeout=PATIENCE_SECONDS) as browser:
            dashboard = browser.get(link.stdout.strip())
            assert dashboard.status_code == 200, dashboard.text
            assert str(dashboard.url) == f"{base}/dashboard"
            css = re.search(r'href="([^"]+\.css)"', dashboard.text)
            assert css, "the dashboard page links no stylesheet"
            style = browser.get(f"{base}{css.group(1)}")
            assert style.status_code == 200
            assert "body" in style.text
            content = browser.get(f"{base}/admin/content")
            assert content.status_code == 200, content.text
            assert "AZ-400" in content.text
    finally:
        process.terminate()
        output = read_all(process)
    assert (empty_dir / "data" / "studybot.db").is_file()
    assert "exam pack AZ-400 loaded" in output, output


def test_installed_studybot_builds_the_teams_package(installed: Installed, empty_dir: Path) -> None:
    env = clean_env(
        STUDYBOT_TEAMS_APP_ID=APP_ID, STUDYBOT_TEAMS_WEBSITE_URL="https://studybot.example.com"
    )
    result = installed.run("studybot", "teams", "package", "--out", "out", env=env, cwd=empty_dir)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(empty_dir / "out" / "studybot-teams.zip") as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
    assert manifest["id"] == APP_ID
    assert manifest["bots"][0]["botId"] == APP_ID
