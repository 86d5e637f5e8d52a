"""Before a drop is revealed, no Teams card others can see (leaderboard, report, progress) tells
who was right; at the reveal the points and accuracy appear."""

from __future__ import annotations

from bot.drop_life import by_hand
from bot.service.commands import CloseDrop
from bot.service.context import Core
from tests.adapters.teams.conftest import ADA, GRACE, OWEN, FakeRoster, execute
from tests.adapters.teams.test_turns import STUDY, Harness, card_of


async def test_an_unrevealed_drop_gives_nothing_away_in_teams(core: Core) -> None:
    harness = Harness(core, FakeRoster(OWEN, members=(ADA, GRACE)))
    await harness.study_channel()
    card = await harness.drop()
    q = core.questions[card.question_id]
    right = ",".join(sorted(q.key))
    wrong = ",".join([o for o in q.option_ids if o not in q.key][: q.pick])
    await harness.invoke(execute("answer", {"drop": card.drop_id, "options": right}, person=GRACE))
    await harness.invoke(execute("answer", {"drop": card.drop_id, "options": wrong}, person=ADA))

    board = str(card_of(await harness.say("leaderboard all", person=OWEN)))
    assert board.count("0 pts · 0/1") == 2
    assert board.index("'Ada'") < board.index("'Grace'")  # a tie: alphabetical
    report = str(card_of(await harness.say("report week", person=OWEN)))
    assert "'0% of 2'" in report
    assert "50%" not in report
    me = str(card_of(await harness.say("me", person=ADA)))
    assert "rank #1 of 2" in me

    await by_hand.close_and_reveal(core, CloseDrop(card.drop_id, STUDY))
    points = 10 * q.difficulty
    board = str(card_of(await harness.say("leaderboard all", person=OWEN)))
    assert f"{points} pts · 1/1" in board
    assert "0 pts · 0/1" in board
    assert board.index("'Grace'") < board.index("'Ada'")
    assert "rank #2 of 2" in str(card_of(await harness.say("me", person=ADA)))
    assert "'50% of 2'" in str(card_of(await harness.say("report week", person=OWEN)))
