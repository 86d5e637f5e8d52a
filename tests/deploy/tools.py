"""Finds the deploy linters (tests/deploy/tools.txt), which `make test` installs in their own venv
and names in STUDYBOT_DEPLOY_TOOLS; without them the deploy checks skip, or fail in CI."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
KUBERNETES_VERSION = "1.35.0"  # the Kubernetes schemas the manifests are validated against


def tool(name: str) -> str:
    folder = os.environ.get("STUDYBOT_DEPLOY_TOOLS", str(ROOT / ".venv-deploy" / "bin"))
    found = shutil.which(name, path=folder)
    if found is None:
        reason = (
            f"{name} is not installed in {folder} (run `make test`, or see tests/deploy/tools.txt)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, env=env)


def render_production(out: Path) -> Path:
    """The production overlay rendered by kubectl's built-in kustomize, as `kubectl apply -k`."""
    result = run(
        tool("kubectl"), "kustomize", str(DEPLOY / "kubernetes" / "overlays" / "production")
    )
    assert result.returncode == 0, result.stderr
    out.mkdir(parents=True, exist_ok=True)
    target = out / "production.yaml"
    target.write_text(result.stdout, encoding="utf-8")
    return target
