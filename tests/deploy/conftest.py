"""One wheel build and throwaway install shared by the deploy tests."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.installed import Installed, build_and_install


@pytest.fixture(scope="session")
def installed() -> Iterator[Installed]:
    # outside pytest's 0700 temporary folder, so the image's unprivileged user can reach it
    work = Path(tempfile.mkdtemp(prefix="studybot-wheel-"))
    work.chmod(0o755)
    try:
        yield build_and_install(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def empty_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder
