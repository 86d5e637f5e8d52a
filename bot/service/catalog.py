"""Keeps the questions table in step with the exam pack and reads questions back from it."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.exam import ExamPack, Option, Question, QuestionType
from bot.storage.database import Database
from bot.storage.dialect import insert_for
from bot.storage.tables import questions


def question_to_dict(q: Question) -> dict[str, Any]:
    return {
        "id": q.id,
        "objective_id": q.objective_id,
        "domain_id": q.domain_id,
        "type": q.type.value,
        "pick": q.pick,
        "stem": q.stem,
        "options": [{"id": o.id, "text": o.text, "rationale": o.rationale} for o in q.options],
        "key": sorted(q.key),
        "explanation": q.explanation,
        "difficulty": q.difficulty,
        "references": list(q.references),
        "last_verified": q.last_verified.isoformat(),
        "ordered": q.ordered,
        # only where set, so that the stored questions of the older item types keep their hash
        **({"key_order": list(q.key_order)} if q.key_order else {}),
        **({"case_id": q.case_id, "case_position": q.case_position} if q.case_id else {}),
    }


def question_from_dict(d: dict[str, Any]) -> Question:
    return Question(
        id=d["id"],
        objective_id=d["objective_id"],
        domain_id=d["domain_id"],
        type=QuestionType(d["type"]),
        stem=d["stem"],
        options=tuple(Option(o["id"], o["text"], o.get("rationale", "")) for o in d["options"]),
        key=frozenset(d["key"]),
        explanation=d["explanation"],
        difficulty=int(d["difficulty"]),
        references=tuple(d["references"]),
        last_verified=date.fromisoformat(d["last_verified"]),
        pick=int(d["pick"]),
        ordered=bool(d.get("ordered", False)),
        key_order=tuple(d.get("key_order", ())),
        case_id=d.get("case_id"),
        case_position=int(d.get("case_position", 0)),
    )


def _hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


async def sync_pack(db: Database, pack: ExamPack, now: datetime) -> dict[str, Question]:
    """Store the pack's questions (new and changed ones), retire the ones it no longer has,
    and return every stored question by id."""
    async with db.write() as conn:
        stored = {
            row.id: row.content_hash
            for row in await conn.execute(
                select(questions.c.id, questions.c.content_hash).where(
                    questions.c.exam_code == pack.exam.code
                )
            )
        }
        rows = []
        for q in pack.questions:
            body = question_to_dict(q)
            digest = _hash(body)
            if stored.get(q.id) != digest:
                rows.append(
                    {
                        "id": q.id,
                        "exam_code": pack.exam.code,
                        "domain_id": q.domain_id,
                        "objective_id": q.objective_id,
                        "difficulty": q.difficulty,
                        "body": body,
                        "content_hash": digest,
                        "active": True,
                        "updated_at": now,
                    }
                )
        if rows:
            stmt = insert_for(conn, questions)
            await conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[questions.c.id],
                    set_={c: stmt.excluded[c] for c in rows[0] if c != "id"},
                ),
                rows,
            )
        current = [q.id for q in pack.questions]
        await conn.execute(
            update(questions)
            .where(questions.c.exam_code == pack.exam.code)
            .where(questions.c.id.not_in(current))
            .where(questions.c.active.is_(True))
            .values(active=False, updated_at=now)
        )
        return await load_questions(conn)


async def load_questions(conn: AsyncConnection) -> dict[str, Question]:
    result = await conn.execute(select(questions.c.body))
    return {q.id: q for q in (question_from_dict(row.body) for row in result)}
