"""Build step: ships the top-level exam pack (content/) and the Teams app files (deploy/teams/)
inside the wheel, as package data of bot and adapters.teams, without a second copy in the repo."""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# source folder in the repository -> folder inside the built packages
BUNDLED = {
    "content": "bot/bundled/content",
    "deploy/teams": "adapters/teams/app",
}


class BuildPyWithBundledData(build_py):
    """The usual build_py, then the bundled folders copied into the build tree."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads them from the checkout
            return
        for source, target in BUNDLED.items():
            self.copy_tree(str(ROOT / source), str(Path(self.build_lib) / target))


setup(cmdclass={"build_py": BuildPyWithBundledData})
