"""Builds the Teams app package (manifest.json and the two icons, zipped) for sideloading."""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adapters.teams.settings import GUID_RE
from bot.errors import SettingsError
from bot.shipped import shipped

DEPLOY_DIR = shipped(Path(__file__).resolve().parent, "app", "deploy/teams")
ICONS = {"color.png": (192, 192), "outline.png": (32, 32)}
PLACEHOLDER_RE = re.compile(r"\$\{([A-Z_]+)\}")


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def render_manifest(template: str, values: Mapping[str, str]) -> dict[str, Any]:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise SettingsError(f"the Teams manifest needs a value for {name}")
        return json.dumps(values[name])[1:-1]  # escaped for a JSON string

    manifest: dict[str, Any] = json.loads(PLACEHOLDER_RE.sub(fill, template))
    return manifest


def build_package(
    out_dir: Path,
    *,
    app_id: str | None = None,
    website_url: str | None = None,
    source_dir: Path = DEPLOY_DIR,
    env: Mapping[str, str] | None = None,
) -> Path:
    """Write studybot-teams.zip into `out_dir` and return its path.

    The app id defaults to STUDYBOT_TEAMS_APP_ID and the developer website to
    STUDYBOT_TEAMS_WEBSITE_URL (both from the environment).
    """
    env = os.environ if env is None else env
    app_id = (app_id or env.get("STUDYBOT_TEAMS_APP_ID", "")).strip()
    website_url = (website_url or env.get("STUDYBOT_TEAMS_WEBSITE_URL", "")).strip()
    if not GUID_RE.match(app_id):
        raise SettingsError(
            "STUDYBOT_TEAMS_APP_ID must be the Azure Bot's Microsoft App ID (a GUID) to build "
            f"the Teams package, got {app_id!r}"
        )
    if not website_url.startswith("https://"):
        raise SettingsError(
            "STUDYBOT_TEAMS_WEBSITE_URL must be an https:// address (shown as the developer's "
            f"website, privacy and terms pages), got {website_url!r}"
        )
    manifest = render_manifest(
        (source_dir / "manifest.json").read_text(encoding="utf-8"),
        {"APP_ID": app_id, "WEBSITE_URL": website_url},
    )
    icons = {}
    for name, size in ICONS.items():
        data = (source_dir / name).read_bytes()
        if png_size(data) != size:
            raise ValueError(f"{name} must be a {size[0]}×{size[1]} PNG")
        icons[name] = data
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "studybot-teams.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        for name, data in icons.items():
            archive.writestr(name, data)
    return target
