"""Every Adaptive Card the door renders keeps Teams' rules; the checker itself catches breakage."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from adapters.teams import render
from bot.domain.exam import Domain
from bot.domain.periods import Period
from bot.domain.schedule import RevealMode, Schedule, parse_schedule
from bot.domain.schedule_form import schedule_form, submitted_fields
from bot.service.views import (
    AnswerFeedback,
    AnswerStatus,
    CardOption,
    DomainProgress,
    LeaderboardRow,
    LeaderboardView,
    MemberProgressView,
    OptionResult,
    OrgReportView,
    QuestionCard,
    RevealCard,
    TeamReport,
)
from tests.adapters.teams.card_rules import assert_valid_card, check_card
from tests.support.announcement_views import digest, result

OPENED = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def question(pick: int = 1, options: int = 4, stem: str = "Which pipeline fits?") -> QuestionCard:
    return QuestionCard(
        drop_id=42,
        team_id=1,
        seq=7,
        question_id="q-1",
        domain_id="D1",
        domain_name="Processes and communications",
        objective_id="D1.1",
        objective_name="Design traceability",
        stem=stem,
        options=tuple(
            CardOption(chr(97 + i), string.ascii_uppercase[i], f"Option text {i} " * 8)
            for i in range(options)
        ),
        pick=pick,
        difficulty=2,
        opened_at=OPENED,
        closes_at=OPENED + timedelta(hours=8),
        answer_count=3,
    )


def reveal(q: QuestionCard) -> RevealCard:
    return RevealCard(
        question=q,
        results=tuple(
            OptionResult(o, count=i, is_key=i == 2, rationale=f"Because {o.label}." * 20)
            for i, o in enumerate(q.options)
        ),
        explanation="The explanation. " * 30,
        references=("https://learn.microsoft.com/en-us/azure/devops/pipelines/",),
        answered=6,
        correct=2,
    )


def row(rank: int, name: str) -> LeaderboardRow:
    return LeaderboardRow(rank, rank, f"u{rank}", name, 100 - rank, 5, 7)


def domains() -> tuple[DomainProgress, ...]:
    return (DomainProgress("D1", "Processes", 4, 3, 60), DomainProgress("D2", "Security", 0, 0, 0))


def every_card() -> list[dict[str, Any]]:
    single, double = question(), question(pick=2, options=5)
    long_stem = question(stem="A very long scenario. " * 23, options=5)
    schedule = Schedule(frozenset({0, 2, 4}), time(9, 30), "Europe/Berlin")
    view = LeaderboardView(
        1,
        "Team A",
        Period.WEEK,
        date(2026, 3, 2),
        None,
        "All domains",
        tuple(row(i, f"Member {i}") for i in range(1, 11)),
        14,
        you=row(12, "Ada"),
    )
    pack_domains = [Domain("D1", "Processes", 10, 15, ()), Domain("D2", "Security", 10, 15, ())]
    return [
        render.question_card(single),
        render.question_card(double),
        render.question_card(long_stem),
        render.question_card(single, closed=True),
        render.feedback_card(
            single,
            AnswerFeedback(AnswerStatus.RECORDED, "Recorded. Correct!", 42, ("A",), True, "x"),
        ),
        render.feedback_card(
            double, AnswerFeedback(AnswerStatus.ALREADY_ANSWERED, "m", 42, ("A",))
        ),
        render.feedback_card(single, AnswerFeedback(AnswerStatus.CLOSED, "Closed.", 42, ())),
        render.reveal_card(reveal(long_stem)),
        render.reveal_card(reveal(double)),
        render.leaderboard_card(view),
        render.leaderboard_card(
            LeaderboardView(1, "Team A", Period.ALL, date(1970, 1, 1), "D1", "D1", (), 0)
        ),
        render.progress_card(MemberProgressView("Team A", "Ada", domains(), 3, 5, 1, 4)),
        render.report_card(
            OrgReportView(
                "Org", Period.MONTH, (TeamReport(1, "Team A", 5, 3, 9, domains()),), domains()
            )
        ),
        render.help_card(),
        render.welcome_card(),
        render.schedule_card(schedule_form(None, pack_domains, "UTC")),
        render.schedule_card(schedule_form(schedule, pack_domains, "UTC")),
        render.schedule_card(
            schedule_form(
                None,
                pack_domains,
                "UTC",
                {"days": "x"},
                {"days": "unknown day", "active": "must be true"},
            )
        ),
        render.schedule_saved_card(
            Schedule(frozenset({0}), time(8, 0), "UTC", reveal_mode=RevealMode.AT_CLOSE)
        ),
        render.daily_result_card(result()),
        render.daily_result_card(result(answered=0, correct=0)),
        render.weekly_digest_card(digest()),
        render.weekly_digest_card(digest(rows=0)),
        render.weekly_digest_card(digest(domains=40, member="A long display name " * 10)),
    ]


@pytest.mark.parametrize("index", range(len(every_card())))
def test_every_card_keeps_the_teams_rules(index: int) -> None:
    assert_valid_card(every_card()[index])


def test_single_choice_has_one_button_per_option_and_multiple_a_choice_set() -> None:
    single = render.question_card(question())
    assert [a["title"] for a in single["actions"]] == ["A", "B", "C", "D"]
    assert {a["verb"] for a in single["actions"]} == {"answer"}
    assert single["actions"][1]["data"] == {"drop": 42, "option": "b"}
    double = render.question_card(question(pick=2))
    choice = next(b for b in double["body"] if b["type"] == "Input.ChoiceSet")
    assert choice["isMultiSelect"] is True
    assert choice["id"] == "options"
    assert double["actions"] == [
        {
            "type": "Action.Execute",
            "title": "Submit answer",
            "verb": "answer",
            "data": {"drop": 42},
            "associatedInputs": "auto",
        }
    ]


def test_the_question_card_never_hints_at_the_key() -> None:
    q = question()
    posted = render.question_card(q)
    option_lines = [b["text"] for b in posted["body"] if b["text"].startswith("**")]
    assert option_lines == [f"**{o.label}.** {o.text}" for o in q.options]  # no per-option counts
    assert "3 answers so far" in posted["body"][-1]["text"]  # only the total
    assert "correct" not in str(posted).lower()
    assert "{{DATE(2026-03-04T17:00:00Z, SHORT)}}" in str(posted)  # shown in each reader's zone


def test_the_reveal_marks_the_key_and_the_distribution() -> None:
    card = render.reveal_card(reveal(question()))
    text = str(card)
    assert "✅ **C.**" in text
    assert "— 2 (33%)" in text
    assert "Answer: C." in text
    assert "[pipelines](https://learn.microsoft.com/en-us/azure/devops/pipelines/)" in text


def test_the_daily_result_card_is_the_plain_sentence_with_the_title_and_key_in_bold() -> None:
    (block,) = render.daily_result_card(result(keys="AC"))["body"]
    assert block["text"] == (
        "**Question #42 (D1 Pipelines)** has closed: 15 answered, 5 right (33 %). "
        "The answer was **A and C**."
    )


def test_the_weekly_digest_card_has_a_title_and_a_line_per_board() -> None:
    title, *lines = render.weekly_digest_card(digest(domains=3))["body"]
    assert title["text"] == "Last week's leaderboard (02 Mar – 08 Mar 2026)"
    assert [line["text"].split(":**")[0] for line in lines] == [
        "**Overall",
        "**D1 Domain 1",
        "**D3 Domain 3",
    ]
    assert lines[0]["text"].endswith("3. Ada 3 (97 pts, 5/6)")
    (_, nobody) = render.weekly_digest_card(digest(rows=0))["body"]
    assert nobody["text"] == "Nobody answered last week. A new week, a new start!"


def test_a_huge_weekly_digest_card_leaves_out_what_does_not_fit() -> None:
    huge = render.weekly_digest_card(digest(domains=40, member="A long display name " * 10))
    assert huge["body"][-1]["text"].startswith("… and ")
    assert huge["body"][-1]["text"].endswith(" more.")
    assert_valid_card(huge)  # under Teams' 28 KB


BROKEN: list[tuple[str, dict[str, Any]]] = [
    ("above 1.5", {"type": "AdaptiveCard", "version": "1.6", "body": []}),
    ("unknown element", {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "Carousel"}]}),
    ("needs text", {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock"}]}),
    (
        "needs card version 1.4",
        {
            "type": "AdaptiveCard",
            "version": "1.3",
            "body": [],
            "actions": [{"type": "Action.Execute", "title": "Go", "verb": "x"}],
        },
    ),
    (
        "needs verb",
        {
            "type": "AdaptiveCard",
            "version": "1.5",
            "body": [],
            "actions": [{"type": "Action.Execute", "title": "Go"}],
        },
    ),
    (
        "needs a title",
        {
            "type": "AdaptiveCard",
            "version": "1.5",
            "body": [],
            "actions": [{"type": "Action.OpenUrl", "url": "https://x"}],
        },
    ),
    (
        "duplicate ids",
        {
            "type": "AdaptiveCard",
            "version": "1.5",
            "body": [{"type": "Input.Text", "id": "a"}, {"type": "Input.Text", "id": "a"}],
        },
    ),
    (
        "over the",
        {
            "type": "AdaptiveCard",
            "version": "1.5",
            "body": [{"type": "TextBlock", "text": "x" * 30_000}],
        },
    ),
    (
        "at most 6",
        {
            "type": "AdaptiveCard",
            "version": "1.5",
            "body": [],
            "actions": [{"type": "Action.Submit", "title": str(i)} for i in range(7)],
        },
    ),
    (
        "string title and value",
        {
            "type": "AdaptiveCard",
            "version": "1.5",
            "body": [{"type": "FactSet", "facts": [{"title": "n", "value": 3}]}],
        },
    ),
    ("not an AdaptiveCard", {"type": "HeroCard"}),
]


@pytest.mark.parametrize(("problem", "card"), BROKEN, ids=[p for p, _ in BROKEN])
def test_the_checker_catches_each_broken_rule(problem: str, card: dict[str, Any]) -> None:
    problems = check_card(card)
    assert any(problem in p for p in problems), problems


def test_the_schedule_card_has_an_input_per_form_field_and_submits_them_back() -> None:
    current = Schedule(frozenset({1, 3}), time(8), "UTC", active=False, digest_weekday=None)
    domains = [Domain("D1", "Processes", 10, 15, ())]
    form = schedule_form(current, domains, "UTC")
    card = render.schedule_card(form)
    inputs = [b for b in card["body"] if "id" in b]
    assert [(i["id"], i["label"]) for i in inputs] == [(f.name, f.label) for f in form.fields]
    types = {i["id"]: i["type"] for i in inputs}
    assert (types["days"], types["time"], types["start_date"], types["active"]) == (
        "Input.ChoiceSet", "Input.Time", "Input.Date", "Input.Toggle",
    )  # fmt: skip
    shown = {i["id"]: i["value"] for i in inputs}  # what Teams submits for an unchanged card
    assert (shown["days"], shown["digest"], shown["active"]) == ("tue,thu", "off", "off")
    assert parse_schedule(submitted_fields(shown), ["D1"]) == current
