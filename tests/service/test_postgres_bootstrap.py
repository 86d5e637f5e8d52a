"""A fresh pytest with no server named starts a throwaway PostgreSQL and runs its tests on it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import pytest_configure
from tests.support.throwaway_postgres import URL_ENV

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "tests" / "fixtures" / "postgres_probe" / "probe_postgres.py"


def run_probe(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(PROBE),
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "-k",
            "not sqlite",
            "-rs",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_without_a_named_server_the_postgresql_tests_run_on_a_throwaway_one() -> None:
    env = {k: v for k, v in os.environ.items() if k != URL_ENV}
    env["CI"] = "true"  # in CI a skip would be a failure, so passing proves PostgreSQL ran
    result = run_probe(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "skipped" not in result.stdout


def test_in_ci_an_unusable_setting_stops_the_run_instead_of_skipping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(URL_ENV, "off")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.UsageError, match="PostgreSQL is required in CI"):
        pytest_configure(SimpleNamespace())  # type: ignore[arg-type]  # the run's own config
