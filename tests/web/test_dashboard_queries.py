"""Integration tests (SQLite and PostgreSQL) of the core queries behind the dashboard:
an organisation's teams, readiness, participation over the weeks and inactive members."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.exam import ExamPack
from bot.errors import NotFoundError
from bot.service.context import Core
from bot.service.inactivity import inactive_members
from bot.service.org_teams import list_org_teams
from bot.service.participation import participation_by_week
from bot.service.readiness import estimate_readiness, show_readiness
from tests.web.dashboard_support import seed


async def test_org_teams_are_scoped_to_the_organisation(core: Core) -> None:
    await seed(core, drops=1)
    org = await list_org_teams(core, "slack", "T-ALPHA")
    assert org.org_name == "Alpha Corp"
    assert [(t.name, t.members) for t in org.teams] == [("Alpha One", 3), ("Alpha Two", 3)]
    assert org.team("C-alpha-1").timezone == "Europe/Berlin"
    with pytest.raises(NotFoundError):
        org.team("C-unknown")
    beta = await list_org_teams(core, "slack", "T-BETA")
    assert beta.team("C-alpha-1").team_id != org.team("C-alpha-1").team_id
    with pytest.raises(NotFoundError):
        await list_org_teams(core, "teams", "T-ALPHA")


def test_readiness_estimate_is_smoothed_and_weighted(core: Core) -> None:
    pack: ExamPack = core.pack  # D1 weight 60-80 % (mid 70), D2 20-40 % (mid 30)
    empty = estimate_readiness(pack, {})
    assert [d.estimate for d in empty.domains] == [0.5, 0.5]
    assert [d.weight for d in empty.domains] == [70.0, 30.0]
    assert empty.estimated_score == round(1 + 0.5 * 999)
    assert not empty.on_track
    strong = estimate_readiness(pack, {"D1": (98, 97), "D2": (8, 2)})
    d1, d2 = strong.domains
    assert d1.estimate == pytest.approx(98 / 100)
    assert d2.estimate == pytest.approx(3 / 10)
    assert d1.enough_answers
    assert not d2.enough_answers
    assert d1.ready(strong.pass_share)
    assert not d2.ready(strong.pass_share)
    assert strong.estimated_score == round(1 + (0.7 * 0.98 + 0.3 * 0.3) * 999)
    assert strong.on_track  # 776 ≥ 700 though D2 is weak: D1 carries 70 % of the exam


async def test_readiness_counts_all_answers_of_the_chosen_teams(core: Core) -> None:
    await seed(core, drops=4)
    org = await list_org_teams(core, "slack", "T-ALPHA")
    one = await show_readiness(core, [org.team("C-alpha-1").team_id])
    # ada right 4 times, grace wrong 4 times, linus right once
    assert sum(d.answered for d in one.domains) == 9
    assert sum(d.correct for d in one.domains) == 5
    both = await show_readiness(core, [t.team_id for t in org.teams])
    assert sum(d.answered for d in both.domains) == 18
    nobody = await show_readiness(core, [])
    assert sum(d.answered for d in nobody.domains) == 0


async def test_participation_per_week(core: Core) -> None:
    # the seed starts on Wednesday 2026-03-04 and drops once a day: 6 days span two weeks
    await seed(core, drops=6)
    org = await list_org_teams(core, "slack", "T-ALPHA")
    team = org.team("C-alpha-1")
    weeks = await participation_by_week(core, [team.team_id], [team.timezone], weeks=3)
    assert [w.week_start for w in weeks] == [date(2026, 2, 23), date(2026, 3, 2), date(2026, 3, 9)]
    assert [(w.active_members, w.members) for w in weeks] == [
        (0, 3),
        (3, 3),  # Wed–Sun: ada, grace and linus (once)
        (2, 3),  # Monday: ada and grace
    ]
    assert weeks[1].rate == 1.0
    both = await participation_by_week(
        core, [t.team_id for t in org.teams], [t.timezone for t in org.teams], weeks=1
    )
    # ada, grace and linus study in both teams: memberships count, one per team
    assert (both[0].active_members, both[0].members) == (4, 6)


async def test_inactive_members_missed_the_last_questions_in_a_row(core: Core) -> None:
    await seed(core, drops=6)
    org = await list_org_teams(core, "slack", "T-ALPHA")
    ids = [t.team_id for t in org.teams]
    found = await inactive_members(core, ids)
    assert [(m.user_id, m.team_name, m.missed) for m in found] == [
        ("linus", "Alpha One", 5),
        ("linus", "Alpha Two", 5),
    ]
    assert found[0].last_answered_drop_at is not None
    assert found[0].last_answered_drop_at.date() == date(2026, 3, 4)
    assert await inactive_members(core, ids, min_missed=6) == []
    assert await inactive_members(core, []) == []
