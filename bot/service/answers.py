"""Recording an answer: once per member and drop, inside the window, with scores and streaks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.exam import Question, QuestionType
from bot.domain.periods import local_date, local_time_text, period_starts
from bot.domain.schedule import RevealMode
from bot.domain.scoring import Streak
from bot.errors import InvalidInputError
from bot.service.cards import question_card
from bot.service.commands import SubmitAnswer
from bot.service.context import Core
from bot.service.directory import upsert_member
from bot.service.drops import DropRecord, get_drop
from bot.service.views import AnswerFeedback, AnswerStatus, QuestionCard
from bot.storage.dialect import insert_for
from bot.storage.tables import answers, member_stats, team_members


async def submit_answer(core: Core, cmd: SubmitAnswer) -> AnswerFeedback:
    """Store the member's first answer to a drop; later ones store nothing and say so."""
    async with core.db.write() as conn:
        drop = await get_drop(conn, cmd.drop_id, cmd.channel)
        question = core.questions[drop.question_id]
        chosen = _validated_choice(question, cmd.option_ids)
        card = question_card(
            core.pack,
            question,
            drop_id=drop.id,
            team_id=drop.team_id,
            seq=drop.seq,
            option_order=drop.option_order,
            opened_at=drop.opened_at,
            closes_at=drop.closes_at,
            answer_count=0,
        )
        labels = tuple(sorted(o.label for o in card.options if o.id in chosen))
        now = core.clock.now()
        if not drop.is_open(now):
            return AnswerFeedback(
                AnswerStatus.CLOSED,
                f"This question closed at {local_time_text(drop.closes_at, drop.timezone)}, so "
                "answers are no longer taken. Look for the reveal and catch the next one!",
                drop.id,
                labels,
            )
        member_id = await upsert_member(conn, drop.org_id, cmd.user_id, cmd.display_name, now)
        correct = question.is_correct(chosen)
        points = core.scoring.points(
            correct=correct,
            difficulty=question.difficulty,
            answered_at=now,
            opened_at=drop.opened_at,
            closes_at=drop.closes_at,
        )
        inserted = await conn.scalar(
            insert_for(conn, answers)
            .values(
                drop_id=drop.id,
                member_id=member_id,
                team_id=drop.team_id,
                domain_id=question.domain_id,
                option_ids=",".join(sorted(chosen)),
                correct=correct,
                points=points,
                answered_at=now,
            )
            .on_conflict_do_nothing(index_elements=[answers.c.drop_id, answers.c.member_id])
            .returning(answers.c.id)
        )
        if inserted is None:
            return await _already_answered(conn, drop, member_id, card)
        await _advance_streak(conn, drop, member_id, now)
        await _add_to_stats(conn, drop, question, member_id, correct, points, now)
        count = int(
            await conn.scalar(select(func.count()).where(answers.c.drop_id == drop.id)) or 0
        )
    private = drop.reveal_mode is RevealMode.AT_CLOSE_WITH_FEEDBACK
    choice = " and ".join(labels)
    message = f"Your answer {choice} is recorded."
    if private:
        message += " Correct!" if correct else " Not quite."
    else:
        message += " The answer is revealed when the question closes."
    return AnswerFeedback(
        AnswerStatus.RECORDED,
        message,
        drop.id,
        labels,
        correct=correct if private else None,
        explanation=question.explanation if private else None,
        answer_count=count,
    )


def _validated_choice(question: Question, option_ids: tuple[str, ...]) -> frozenset[str]:
    chosen = frozenset(option_ids)
    unknown = sorted(chosen - set(question.option_ids))
    if unknown:
        raise InvalidInputError(
            f"Unknown option {', '.join(unknown)}; this question's options are "
            f"{', '.join(question.option_ids)}. Nothing was recorded."
        )
    if len(chosen) != len(option_ids):
        raise InvalidInputError("The same option was chosen twice. Nothing was recorded.")
    if question.type is QuestionType.SINGLE and len(chosen) != 1:
        raise InvalidInputError("Choose exactly one option. Nothing was recorded.")
    if question.type is QuestionType.MULTIPLE and len(chosen) != question.pick:
        raise InvalidInputError(
            f"This question asks for {question.pick} options; you chose {len(chosen)}. "
            "Nothing was recorded."
        )
    return chosen


async def _already_answered(
    conn: AsyncConnection, drop: DropRecord, member_id: int, card: QuestionCard
) -> AnswerFeedback:
    first = (
        await conn.execute(
            select(answers.c.option_ids)
            .where(answers.c.drop_id == drop.id)
            .where(answers.c.member_id == member_id)
        )
    ).scalar_one()
    labels = tuple(sorted(o.label for o in card.options if o.id in first.split(",")))
    return AnswerFeedback(
        AnswerStatus.ALREADY_ANSWERED,
        f"You already answered {' and '.join(labels)}; only your first answer counts.",
        drop.id,
        labels,
    )


async def _advance_streak(
    conn: AsyncConnection, drop: DropRecord, member_id: int, now: datetime
) -> None:
    row = (
        await conn.execute(
            select(
                team_members.c.streak_current,
                team_members.c.streak_best,
                team_members.c.streak_last_seq,
            )
            .where(team_members.c.team_id == drop.team_id)
            .where(team_members.c.member_id == member_id)
        )
    ).first()
    before = Streak(*row) if row else Streak()
    after = before.after_answer(drop.seq)
    values = {
        "streak_current": after.current,
        "streak_best": after.best,
        "streak_last_seq": after.last_seq,
    }
    if row is None:
        await conn.execute(
            team_members.insert().values(
                team_id=drop.team_id, member_id=member_id, joined_at=now, is_admin=False, **values
            )
        )
    elif after != before:
        await conn.execute(
            update(team_members)
            .where(team_members.c.team_id == drop.team_id)
            .where(team_members.c.member_id == member_id)
            .values(**values)
        )


async def _add_to_stats(
    conn: AsyncConnection,
    drop: DropRecord,
    question: Question,
    member_id: int,
    correct: bool,
    points: int,
    now: datetime,
) -> None:
    """Add the answer to the member's week, month and all-time rows (the leaderboard aggregate)."""
    day = local_date(now, drop.timezone)
    rows = [
        {
            "team_id": drop.team_id,
            "period": period.value,
            "period_start": start,
            "domain_id": question.domain_id,
            "member_id": member_id,
            "answered": 1,
            "correct": int(correct),
            "points": points,
        }
        for period, start in period_starts(day).items()
    ]
    stmt = insert_for(conn, member_stats).values(rows)
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[
                member_stats.c.team_id,
                member_stats.c.period,
                member_stats.c.period_start,
                member_stats.c.domain_id,
                member_stats.c.member_id,
            ],
            set_={
                "answered": member_stats.c.answered + stmt.excluded.answered,
                "correct": member_stats.c.correct + stmt.excluded.correct,
                "points": member_stats.c.points + stmt.excluded.points,
            },
        )
    )
