"""Recording answers: once per member and drop, inside the window, with scores and streaks.

Answers arriving together are written in one transaction (see group_commit); each still gets
its own outcome: recorded, already answered, closed, or a clear error that stored nothing.

An answer adds only to the count of answers in member_stats: its points and correctness join the
aggregate when the drop is revealed (drop_life.scoring), so that nothing others can see gives the
answer away before then. The batch reads its drops under a lock that a reveal scoring one of them
waits for (or that waits for the reveal, and then sees the drop closed), so each answer is scored
exactly once. An answer to a drop already scored (one that was open during the upgrade that
brought this rule) counts in full at once.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import bindparam, case, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.answer_form import answer_labels, checked_answer, spoken
from bot.domain.exam import Question
from bot.domain.ids import parse_id
from bot.domain.periods import local_time_text
from bot.domain.schedule import RevealMode
from bot.domain.scoring import Streak
from bot.drop_life.reading import DropRecord, load_drops, visible_drop
from bot.errors import InvalidInputError, NotFoundError
from bot.observability.metrics import ANSWER_BATCH, ANSWERS
from bot.service.commands import SubmitAnswer
from bot.service.context import Core
from bot.service.group_commit import GroupCommit
from bot.service.stats_rows import StatsEntry, add_to_stats
from bot.service.views import AnswerFeedback, AnswerStatus
from bot.storage.dialect import insert_for
from bot.storage.tables import answers, members, team_members

# The batch's query and upserts are built once (per dialect for the upserts): building a
# statement costs more than executing it with a few dozen rows.
FIRST_ANSWERS = select(answers.c.drop_id, answers.c.member_id, answers.c.option_ids).where(
    tuple_(answers.c.drop_id, answers.c.member_id).in_(bindparam("keys", expanding=True))
)


# A batch costs a few milliseconds however small it is; waiting 2 ms for more answers before
# writing took about a tenth off each click's CPU under a burst on SQLite (docs/slack.md).
BATCH_LINGER_SECONDS = 0.002
MAX_USER_ID = 64  # members.user_id
MAX_OPTIONS, MAX_OPTION_ID = 26, 32  # an answer names at most every option, each id is short


async def submit_answer(core: Core, cmd: SubmitAnswer) -> AnswerFeedback:
    """Store the member's first answer to a drop; later ones store nothing and say so."""
    return await queue_answer(core, cmd)


def queue_answer(core: Core, cmd: SubmitAnswer) -> asyncio.Future[AnswerFeedback]:
    """submit_answer without a coroutine: the future settles once the answer's batch is written."""
    refused = _refusal(cmd)
    if refused is not None:  # bad input never joins, slows or fails the shared batch
        ANSWERS.labels(cmd.channel.platform, "refused").inc()
        future: asyncio.Future[AnswerFeedback] = asyncio.get_running_loop().create_future()
        future.set_exception(refused)
        return future
    if core.answer_queue is None:
        core.answer_queue = GroupCommit(
            partial(record_batch, core), linger=BATCH_LINGER_SECONDS, span="studybot.answers"
        )
    return core.answer_queue.enqueue(cmd)


def _refusal(cmd: SubmitAnswer) -> InvalidInputError | None:
    """Why the answer cannot be stored at all, checked before it is queued (None if it can)."""
    try:
        parse_id(cmd.drop_id)
    except InvalidInputError as exc:
        return exc
    if not 0 < len(cmd.user_id) <= MAX_USER_ID:
        return InvalidInputError(
            f"The member id must be 1 to {MAX_USER_ID} characters long. Nothing was recorded."
        )
    if len(cmd.option_ids) > MAX_OPTIONS or any(len(o) > MAX_OPTION_ID for o in cmd.option_ids):
        return InvalidInputError("Those are not this question's options. Nothing was recorded.")
    return None


@dataclass
class _Accepted:
    """An answer that passed every check and is about to be written."""

    index: int
    cmd: SubmitAnswer
    drop: DropRecord
    question: Question
    chosen: tuple[str, ...]  # as stored (answer_form.checked_answer)
    labels: tuple[str, ...]
    correct: bool
    points: int
    member_id: int = 0


async def record_batch(
    core: Core, batch: Sequence[SubmitAnswer]
) -> list[AnswerFeedback | Exception]:
    """Check and write a batch of answers in one transaction, one outcome per answer."""
    now = core.clock.now()
    results: list[AnswerFeedback | Exception | None] = [None] * len(batch)
    async with core.db.write() as conn:
        drops = await load_drops(conn, {cmd.drop_id for cmd in batch}, key_share=True)
        first: list[_Accepted] = []
        doubled: list[_Accepted] = []  # a second click by the same member inside this batch
        seen: set[tuple[int, str]] = set()
        for index, cmd in enumerate(batch):
            try:
                item = _check(core, cmd, drops.get(cmd.drop_id), now, index)
            except (NotFoundError, InvalidInputError) as exc:
                results[index] = exc
                continue
            if isinstance(item, AnswerFeedback):
                results[index] = item
            elif (cmd.drop_id, cmd.user_id) in seen:
                doubled.append(item)
            else:
                seen.add((cmd.drop_id, cmd.user_id))
                first.append(item)
        if first:
            await _resolve_members(conn, first + doubled, now)
            stored = await _insert_answers(conn, first, now)
            fresh = [a for a in first if (a.drop.id, a.member_id) in stored]
            repeats = [a for a in first if (a.drop.id, a.member_id) not in stored] + doubled
            await _advance_streaks(conn, fresh, now)
            scored = {a.drop.id for a in fresh if a.drop.scored_at is not None}
            await _add_to_stats(conn, fresh, scored, now)
            earlier = await _first_answers(conn, repeats)
            for a in fresh:
                results[a.index] = _recorded(a)
            for a in repeats:
                results[a.index] = _already(a, earlier[(a.drop.id, a.member_id)])
    outcomes = [r if r is not None else RuntimeError("answer was not processed") for r in results]
    count_outcomes(batch, outcomes)
    return outcomes


def count_outcomes(batch: Sequence[SubmitAnswer], outcomes: Sequence[object]) -> None:
    """Add a written batch to the answer metrics: its size, and each answer's outcome."""
    ANSWER_BATCH.observe(len(batch))
    counts = Counter(
        (cmd.channel.platform, o.status.value if isinstance(o, AnswerFeedback) else "refused")
        for cmd, o in zip(batch, outcomes, strict=True)
    )
    for labels, n in counts.items():  # one counter update per outcome, not per answer
        ANSWERS.labels(*labels).inc(n)


def _check(
    core: Core, cmd: SubmitAnswer, drop: DropRecord | None, now: datetime, index: int
) -> _Accepted | AnswerFeedback:
    drop = visible_drop(drop, cmd.drop_id, cmd.channel)
    question = core.questions[drop.question_id]
    chosen = checked_answer(question, cmd.option_ids)
    labels = answer_labels(question.type, drop.option_order, chosen)
    if not drop.is_open(now):
        return AnswerFeedback(
            AnswerStatus.CLOSED,
            f"This question closed at {local_time_text(drop.closes_at, drop.timezone)}, so "
            "answers are no longer taken. Look for the reveal and catch the next one!",
            drop.id,
            labels,
        )
    correct = question.is_correct(chosen)
    points = core.scoring.points(
        correct=correct,
        difficulty=question.difficulty,
        answered_at=now,
        opened_at=drop.opened_at,
        closes_at=drop.closes_at,
    )
    return _Accepted(index, cmd, drop, question, chosen, labels, correct, points)


def _recorded(a: _Accepted) -> AnswerFeedback:
    private = a.drop.reveal_mode is RevealMode.AT_CLOSE_WITH_FEEDBACK
    message = f"Your answer {spoken(a.question.type, a.labels)} is recorded."
    if private:
        message += " Correct!" if a.correct else " Not quite."
    else:
        message += " The answer is revealed when the question closes."
    return AnswerFeedback(
        AnswerStatus.RECORDED,
        message,
        a.drop.id,
        a.labels,
        correct=a.correct if private else None,
        explanation=a.question.explanation if private else None,
    )


def _already(a: _Accepted, first_choice: str) -> AnswerFeedback:
    labels = answer_labels(a.question.type, a.drop.option_order, first_choice.split(","))
    return AnswerFeedback(
        AnswerStatus.ALREADY_ANSWERED,
        f"You already answered {spoken(a.question.type, labels)}; only your first answer counts.",
        a.drop.id,
        labels,
    )


async def _resolve_members(conn: AsyncConnection, accepted: list[_Accepted], now: datetime) -> None:
    """Create or refresh the answering members and note their ids."""
    wanted = {
        (a.drop.org_id, a.cmd.user_id): (a.cmd.display_name or a.cmd.user_id)[:200]
        for a in accepted
    }
    result = await conn.execute(
        _writes(conn).members,
        [
            {"org_id": org, "user_id": user, "display_name": name, "created_at": now}
            for (org, user), name in sorted(wanted.items())
        ],
    )
    ids = {(org, user): member_id for member_id, org, user in result}
    for a in accepted:
        a.member_id = ids[(a.drop.org_id, a.cmd.user_id)]


async def _insert_answers(
    conn: AsyncConnection, items: list[_Accepted], now: datetime
) -> set[tuple[int, int]]:
    """Insert the answers; return the (drop id, member id) pairs that were stored."""
    result = await conn.execute(
        _writes(conn).answers,
        [
            {
                "drop_id": a.drop.id,
                "member_id": a.member_id,
                "team_id": a.drop.team_id,
                "domain_id": a.question.domain_id,
                "option_ids": ",".join(a.chosen),
                "correct": a.correct,
                "points": a.points,
                "answered_at": now,
            }
            for a in items
        ],
    )
    return {(d, m) for d, m in result}


async def _first_answers(
    conn: AsyncConnection, items: list[_Accepted]
) -> dict[tuple[int, int], str]:
    if not items:
        return {}
    keys = sorted({(a.drop.id, a.member_id) for a in items})
    result = await conn.execute(FIRST_ANSWERS, {"keys": keys})
    return {(d, m): o for d, m, o in result}


async def _advance_streaks(conn: AsyncConnection, fresh: list[_Accepted], now: datetime) -> None:
    """Apply Streak.after_answer to each member's stored streak, in the database (no read).

    Rows run in drop order; a member answering two drops of a team in one batch gets a
    second round, so no statement touches a row twice, however the driver sends its rows
    (PostgreSQL refuses that within one multi-row statement).
    """
    rounds: list[list[dict[str, object]]] = []
    taken: dict[tuple[int, int], int] = defaultdict(int)
    for a in sorted(fresh, key=lambda a: a.drop.seq):
        key = (a.drop.team_id, a.member_id)
        turn = taken[key]
        taken[key] += 1
        if turn == len(rounds):
            rounds.append([])
        first = Streak().after_answer(a.drop.seq)
        rounds[turn].append(
            {
                "team_id": a.drop.team_id,
                "member_id": a.member_id,
                "joined_at": now,
                "is_admin": False,
                "streak_current": first.current,
                "streak_best": first.best,
                "streak_last_seq": first.last_seq,
            }
        )
    for rows in rounds:
        await conn.execute(_writes(conn).streaks, rows)


async def _add_to_stats(
    conn: AsyncConnection, fresh: list[_Accepted], scored: set[int], now: datetime
) -> None:
    """Count the answers in the members' week, month and all-time rows (the leaderboard
    aggregate); their points and correctness only if their drop is already scored."""
    await add_to_stats(
        conn,
        (
            StatsEntry(
                a.drop.team_id,
                a.member_id,
                a.question.domain_id,
                a.drop.timezone,
                now,
                1,
                int(a.correct) if a.drop.id in scored else 0,
                a.points if a.drop.id in scored else 0,
            )
            for a in fresh
        ),
    )


@dataclass(frozen=True)
class _Writes:
    """The three upserts of a batch, for one database dialect."""

    members: Any
    answers: Any
    streaks: Any


_WRITES: dict[str, _Writes] = {}


def _writes(conn: AsyncConnection) -> _Writes:
    writes = _WRITES.get(conn.dialect.name)
    if writes is None:
        writes = _WRITES[conn.dialect.name] = _build_writes(conn)
    return writes


def _build_writes(conn: AsyncConnection) -> _Writes:
    member = insert_for(conn, members)
    streak = insert_for(conn, team_members)
    return _Writes(
        members=member.on_conflict_do_update(
            index_elements=[members.c.org_id, members.c.user_id],
            set_={"display_name": member.excluded.display_name},
        ).returning(members.c.id, members.c.org_id, members.c.user_id),
        answers=insert_for(conn, answers)
        .on_conflict_do_nothing(index_elements=[answers.c.drop_id, answers.c.member_id])
        .returning(answers.c.drop_id, answers.c.member_id),
        streaks=streak.on_conflict_do_update(
            index_elements=[team_members.c.team_id, team_members.c.member_id],
            set_=_streak_after(streak.excluded.streak_last_seq),
        ),
    )


def _streak_after(seq: Any) -> dict[str, Any]:
    """Streak.after_answer(seq) as SQL over the stored row (bot/domain/scoring.py has the rule)."""
    row = team_members.c
    current = case(
        (seq <= row.streak_last_seq, row.streak_current),  # a late answer to an older drop
        (seq == row.streak_last_seq + 1, row.streak_current + 1),
        else_=1,
    )
    return {
        "streak_current": current,
        "streak_best": case((current > row.streak_best, current), else_=row.streak_best),
        "streak_last_seq": case((seq > row.streak_last_seq, seq), else_=row.streak_last_seq),
    }
