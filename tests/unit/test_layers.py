"""The core (bot/) never imports a door: only the composition root may name adapters."""

from __future__ import annotations

import ast
from pathlib import Path

import bot

CORE = Path(bot.__file__).parent
ALLOWED = {
    "bootstrap.py",  # the composition root
    "cli_admins.py",  # hashes long Teams ids with the Teams door's channel_key (to be moved)
}


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_the_core_never_imports_a_door() -> None:
    offenders = {
        str(path.relative_to(CORE)): sorted(m for m in imported_modules(path) if m == "adapters"
                                            or m.startswith("adapters."))
        for path in CORE.rglob("*.py")
        if str(path.relative_to(CORE)) not in ALLOWED
    }  # fmt: skip
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_the_cores_storage_holds_only_the_cores_tables() -> None:
    from bot.storage.tables import metadata

    assert not [name for name in metadata.tables if name.startswith(("slack_", "teams_"))]
    assert not list((CORE / "storage").glob("*slack*")) + list((CORE / "storage").glob("*teams*"))
