"""Every Block Kit message the door renders parses with slack_sdk's models and keeps the limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from adapters.plain_text import daily_result_text, weekly_digest_text
from adapters.slack.render_question import (
    error_message,
    feedback_message,
    question_message,
    reveal_message,
)
from adapters.slack.render_reports import (
    daily_result_message,
    help_message,
    leaderboard_message,
    progress_message,
    report_message,
    text_message,
    weekly_digest_message,
    welcome_message,
)
from adapters.slack.schedule_modal import schedule_modal, submitted_values
from bot.domain.exam import Domain
from bot.domain.periods import Period
from bot.domain.schedule import RevealMode, Schedule, parse_schedule
from bot.domain.schedule_form import schedule_form
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
from tests.adapters.slack.blocks import assert_valid_message, assert_valid_view
from tests.support.announcement_views import digest, result

HUGE = "x<&>" * 2000  # 8,000 characters of text that needs escaping
OPENED = datetime(2026, 3, 4, 9, tzinfo=UTC)


def _card(
    *, pick: int = 1, text: str = "Use a pipeline trigger", stem: str = "Scenario?"
) -> QuestionCard:
    options = tuple(
        CardOption(oid, label, f"{text} {label}")
        for oid, label in zip("abcdef", "ABCDEF", strict=True)
    )
    return QuestionCard(
        drop_id=123456789012,
        team_id=1,
        seq=42,
        question_id="q-1",
        domain_id="D1",
        domain_name="Pipelines",
        objective_id="D1.1",
        objective_name="Triggers",
        stem=stem,
        options=options,
        pick=pick,
        difficulty=3,
        opened_at=OPENED,
        closes_at=OPENED + timedelta(hours=8),
        answer_count=7,
    )


@pytest.mark.parametrize("pick", [1, 2])
@pytest.mark.parametrize("text", ["short", HUGE])
def test_questions_are_valid_at_any_length(pick: int, text: str) -> None:
    message = question_message(_card(pick=pick, text=text, stem=text))
    assert_valid_message(message)
    assert "7 answers so far" in message["blocks"][-1]["elements"][0]["text"]
    assert "&lt;&amp;&gt;" in message["blocks"][1]["text"]["text"] or text == "short"


def test_the_count_never_hints_at_the_key() -> None:
    card = _card()
    message = question_message(card)
    rendered = str(message)
    assert "correct" not in rendered.lower()
    assert "white_check_mark" not in rendered
    assert question_message(replace(card, answer_count=8))["blocks"][:-1] == message["blocks"][:-1]


@pytest.mark.parametrize("text", ["short", HUGE])
def test_reveals_are_valid_at_any_length(text: str) -> None:
    card = _card(text=text, stem=text)
    reveal = RevealCard(
        question=card,
        results=tuple(OptionResult(o, i, o.id == "a", text) for i, o in enumerate(card.options)),
        explanation=text,
        references=("https://learn.microsoft.com/azure/devops/", "not a link <x>"),
        answered=15,
        correct=0,
    )
    message = reveal_message(reveal)
    assert_valid_message(message)
    assert "not a link" not in str(message["blocks"])
    assert message["text"].startswith("Answer to question #42: A.")


@pytest.mark.parametrize("correct", [None, True, False])
def test_feedback_and_errors_are_valid(correct: bool | None) -> None:
    feedback = AnswerFeedback(
        AnswerStatus.RECORDED, HUGE, 1, ("A",), correct, HUGE if correct is not None else None
    )
    assert_valid_message(feedback_message(feedback))
    assert_valid_message(error_message(HUGE))


def _row(i: int, name: str) -> LeaderboardRow:
    return LeaderboardRow(i, i, f"U{i}", name, 100 - i, 5, 6)


def test_leaderboards_are_valid_and_show_you_outside_the_top() -> None:
    rows = tuple(_row(i, "N" * 200) for i in range(1, 51))
    view = LeaderboardView(
        1,
        "T" * 200,
        Period.WEEK,
        date(2026, 3, 2),
        None,
        "All domains",
        rows,
        60,
        you=_row(60, "Me"),
    )
    message = leaderboard_message(view)
    assert_valid_message(message)
    assert "60. Me" in message["blocks"][-2]["text"]["text"]
    assert "50. N" in message["blocks"][-3]["text"]["text"]
    empty = replace(view, rows=(), you=None, total_members=0)
    assert "No answers in this period yet" in str(leaderboard_message(empty))
    assert_valid_message(leaderboard_message(empty))


def _domains(n: int = 5) -> tuple[DomainProgress, ...]:
    return tuple(DomainProgress(f"D{i}", "Domain " * 20, i, i // 2, i * 10) for i in range(n))


def test_progress_and_reports_are_valid() -> None:
    progress = MemberProgressView("Team", "Ada <admin>", _domains(), 3, 5, 2, 9)
    message = progress_message(progress)
    assert_valid_message(message)
    assert "Ada &lt;admin&gt;" in str(message)
    teams = tuple(TeamReport(i, f"team {i}", 10, 4, 20, _domains()) for i in range(30))
    report = report_message(OrgReportView("Contoso", Period.ALL, teams, _domains()))
    assert_valid_message(report)
    assert "Showing 20 of 30 study channels." in str(report)


def test_help_welcome_and_text_are_valid() -> None:
    for message in (help_message(), help_message("bad"), welcome_message(), text_message(HUGE)):
        assert_valid_message(message)


@pytest.mark.parametrize("answered", [0, 15])
def test_the_daily_result_is_the_plain_sentence_with_the_title_and_key_in_bold(
    answered: int,
) -> None:
    view = result(answered=answered, correct=min(answered, 5), keys="AC")
    message = daily_result_message(view)
    assert_valid_message(message)
    assert message["text"] == daily_result_text(view)  # the notification and fallback text
    (block,) = message["blocks"]
    assert block["text"]["text"].startswith("*Question #42 (D1 Pipelines)* has closed")
    assert "The answer was *A and C*." in block["text"]["text"]


def test_the_daily_result_escapes_and_clips_a_huge_domain_name() -> None:
    message = daily_result_message(result(domain_name=HUGE))
    assert_valid_message(message)
    assert "&lt;&amp;&gt;" in message["blocks"][0]["text"]["text"]


def test_the_weekly_digest_has_a_header_and_a_section_per_board() -> None:
    view = digest(domains=3, rows=5)
    message = weekly_digest_message(view)
    assert_valid_message(message)
    assert message["text"] == weekly_digest_text(view)
    header, *sections = message["blocks"]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Last week's leaderboard (02 Mar – 08 Mar 2026)"},
    }
    assert [s["text"]["text"].split(":*")[0] for s in sections] == [
        "*Overall",
        "*D1 Domain 1",
        "*D3 Domain 3",
    ]
    assert sections[0]["text"]["text"].endswith("3. Ada 3 (97 pts, 5/6)")


def test_an_empty_weekly_digest_says_nobody_answered() -> None:
    message = weekly_digest_message(digest(rows=0))
    assert_valid_message(message)
    assert message["blocks"][1]["text"]["text"] == (
        "Nobody answered last week. A new week, a new start!"
    )


def test_a_huge_weekly_digest_keeps_the_block_kit_limits() -> None:
    message = weekly_digest_message(digest(domains=80, rows=3, member=HUGE))
    assert_valid_message(message)  # 50 blocks, 3,000 characters a section, 4,000 of text
    assert "&lt;&amp;&gt;" in message["blocks"][1]["text"]["text"]


DOMAINS = [Domain(f"D{i}", "A very long domain name " * 5, 10, 15, ()) for i in range(1, 6)]


def _as_shown(view: dict[str, Any]) -> dict[str, Any]:
    """A submission of the modal as it was opened: every field as shown."""
    state = {}
    for block in view["blocks"]:
        element = block["element"]
        value: dict[str, object] = {"type": element["type"]}
        if element["type"] == "checkboxes":
            value["selected_options"] = element.get("initial_options", [])
        elif element["type"] == "timepicker":
            value["selected_time"] = element.get("initial_time")
        elif element["type"] == "datepicker":
            value["selected_date"] = element.get("initial_date")
        elif element["type"] in ("radio_buttons", "static_select"):
            value["selected_option"] = element.get("initial_option")
        else:
            value["value"] = element.get("initial_value")
        state[block["block_id"]] = {"value": value}
    return {"state": {"values": state}}


def test_the_schedule_modal_is_valid_new_and_prefilled() -> None:
    assert_valid_view(schedule_modal("C1", None, DOMAINS, "Europe/Berlin"))
    current = Schedule(
        days=frozenset({0, 2}),
        local_time=datetime(2026, 1, 1, 7, 15).time(),
        timezone="Asia/Tokyo",
        window=None,
        closes_at=datetime(2026, 1, 1, 17).time(),
        reveal_mode=RevealMode.AT_CLOSE_WITH_FEEDBACK,
        focus_domain="D3",
        active=False,
        start_date=date(2026, 3, 1),
        end_date=None,
        skip_dates=frozenset({date(2026, 4, 1)}),
    )
    view = schedule_modal("C1", current, DOMAINS, "UTC")
    assert_valid_view(view)
    values = submitted_values(_as_shown(view))  # what it shows, it submits back unchanged
    assert values["days"] == ["mon", "wed"]
    assert values["time"] == "07:15"
    assert values["closes_at"] == "17:00"
    assert values["timezone"] == "Asia/Tokyo"
    assert values["focus_domain"] == "D3"
    assert values["active"] is False
    assert values["reveal_mode"] == "at_close_with_feedback"
    assert values["skip_dates"] == "2026-04-01"
    assert values["start_date"] == "2026-03-01"


def test_the_schedule_modal_has_a_block_per_form_field_and_round_trips_the_digest() -> None:
    current = Schedule(frozenset({1}), time(8), "UTC", digest_weekday=3)
    form = schedule_form(current, DOMAINS, "UTC")
    view = schedule_modal("C1", current, DOMAINS, "UTC")
    blocks = view["blocks"]
    assert [b["block_id"] for b in blocks] == [f.name for f in form.fields]
    assert [b["label"]["text"] for b in blocks] == [f.label for f in form.fields]
    digest = next(b for b in blocks if b["block_id"] == "digest")
    assert digest["element"]["initial_option"]["text"]["text"] == "Thursday"
    values = submitted_values(_as_shown(view))
    assert values["digest"] == "thu"
    assert parse_schedule(values, [d.id for d in DOMAINS]) == current


def test_the_schedule_modal_keeps_slacks_option_limits() -> None:
    many = [Domain(f"D{i}", "A very long domain name " * 5, 1, 1, ()) for i in range(150)]
    view = schedule_modal("C1", None, many, "UTC")
    assert_valid_view(view)
    focus = next(b for b in view["blocks"] if b["block_id"] == "focus_domain")["element"]
    assert len(focus["options"]) == 100
    assert max(len(o["text"]["text"]) for o in focus["options"]) == 75
    assert focus["initial_option"]["value"] == "all"


def test_long_plain_text_is_split_into_whole_line_sections() -> None:
    lines = [f"{i}. {'digest line ' * 20}" for i in range(60)]
    message = text_message("\n".join(lines))
    assert_valid_message(message)
    assert len(message["blocks"]) > 1
    shown = "\n".join(b["text"]["text"] for b in message["blocks"])
    assert shown == "\n".join(lines)  # nothing cut, no line broken across sections


def test_long_options_are_never_cut_off() -> None:
    long = "word " * 180  # 900 characters per option, 5,400 for six
    card = _card(text=long)
    for message in (
        question_message(card),
        reveal_message(
            RevealCard(
                card, tuple(OptionResult(o, 1, False, "") for o in card.options), "x", (), 6, 0
            )
        ),
    ):
        assert_valid_message(message)
        shown = " ".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")
        for option in card.options:
            assert f"*{option.label}.* {option.text}" in shown


@pytest.mark.parametrize("view", [{}, {"state": None}, {"state": {"values": None}}])
def test_a_modal_submitted_without_state_has_no_values(view: dict[str, object]) -> None:
    assert submitted_values(view) == {}  # the core then says which fields are required
