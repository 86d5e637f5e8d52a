"""A migrated empty SQLite database made once per test process and copied for each test that
builds a core: the copy takes a millisecond, running every migration again takes far longer."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.storage.database import Database
from bot.storage.migrate import upgrade

_template: Path | None = None


async def start_from_template(db: Database) -> None:
    """Put the migrated template in place of `db`'s SQLite file before its first connection."""
    global _template
    if db.dialect != "sqlite":
        return
    if _template is None:
        path = _template_path()
        made = Database(f"sqlite:///{path}")
        try:
            await upgrade(made)
        finally:
            await made.dispose()  # checkpoints the write-ahead log into the file
        _template = path
    _copy(_template, Path(str(make_url(db.url).database)))


def _template_path() -> Path:
    return Path(tempfile.mkdtemp(prefix="studybot-template-")) / "template.db"


def _copy(template: Path, target: Path) -> None:
    if not target.exists():  # one already opened is left as it is
        shutil.copyfile(template, target)
