"""A study channel's questions a page at a time: open ones as cards, closed ones revealed with
each member's pick."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.answer_form import spoken
from bot.drop_life.reading import card_with_count, recent_drops, reveal_with_counts
from bot.ports import ChannelRef
from bot.service.context import Core
from bot.service.picks import picks_after_close
from bot.service.views import QuestionCard, RevealCard


@dataclass(frozen=True)
class PickLine:
    member: str  # the display name
    picked: str  # the options as the question card named them
    correct: bool


@dataclass(frozen=True)
class ChannelPage:
    open_cards: list[QuestionCard]
    reveals: list[RevealCard]
    picks: dict[int, list[PickLine]]  # drop id → who picked what, for revealed drops only
    has_older: bool


async def channel_page(core: Core, channel: ChannelRef, number: int, per_page: int) -> ChannelPage:
    """Page `number` of the channel's drops, newest first; picks only once a drop is revealed."""
    now = core.clock.now()
    newest = await recent_drops(core, channel, limit=per_page * number + 1)
    open_cards, reveals = [], []
    async with core.db.read() as conn:  # the drops are the channel's own: read once, above
        for drop in newest[per_page * (number - 1) : per_page * number]:
            if drop.is_open(now):
                open_cards.append(await card_with_count(core, conn, drop))
            else:
                reveals.append(await reveal_with_counts(core, conn, drop))
    found = await picks_after_close(core, channel, [r.question.drop_id for r in reveals])
    picks = {
        r.question.drop_id: [
            PickLine(p.display_name, spoken(r.question.kind, r.question.labels_of(p.option_ids)),
                     p.correct)
            for p in found.get(r.question.drop_id, [])
        ]
        for r in reveals
    }  # fmt: skip
    return ChannelPage(open_cards, reveals, picks, len(newest) > per_page * number)
