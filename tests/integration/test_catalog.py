"""The questions table follows the pack; retired questions keep old drops readable."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from bot.drop_life.reading import show_drop
from bot.drop_life.start_close import start_drop
from bot.packs.loader import load_pack
from bot.service.catalog import sync_pack
from bot.service.commands import StartDrop
from bot.service.context import Core
from bot.storage.tables import questions
from tests.conftest import CHANNEL, MINIPACK, register


async def test_removed_questions_are_retired_not_deleted(core: Core, tmp_path: Path) -> None:
    await register(core)
    card = await start_drop(core, StartDrop(CHANNEL))
    smaller = tmp_path / "pack"
    shutil.copytree(MINIPACK, smaller)
    owner = "D1.yaml" if core.questions[card.question_id].domain_id == "D1" else "D2.yaml"
    (smaller / "questions" / owner).unlink()
    core.pack = load_pack(smaller)
    core.questions = await sync_pack(core.db, core.pack, core.clock.now())

    async with core.db.read() as conn:
        active = dict(list(await conn.execute(select(questions.c.id, questions.c.active))))
    assert active[card.question_id] is False
    assert sum(active.values()) == len(core.pack.questions)
    assert (await show_drop(core, card.drop_id, CHANNEL)).stem == card.stem
    # the next drops come only from the questions still in the pack
    nxt = await start_drop(core, StartDrop(CHANNEL))
    assert nxt.question_id in {q.id for q in core.pack.questions}


async def test_changed_question_text_is_updated(core: Core, tmp_path: Path) -> None:
    changed = tmp_path / "pack"
    shutil.copytree(MINIPACK, changed)
    path = changed / "questions" / "D2.yaml"
    path.write_text(path.read_text().replace("Explanation 5.", "A better explanation."))
    core.questions = await sync_pack(core.db, load_pack(changed), core.clock.now())
    assert core.questions["q-05"].explanation == "A better explanation."
