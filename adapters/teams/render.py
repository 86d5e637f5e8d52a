"""Renders the core's view models as Adaptive Cards (version 1.5, readable on mobile)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from adapters import plain_text
from bot.domain.answer_form import NO, STATEMENT_FIELD, STEP_FIELD, YES, spoken
from bot.domain.exam import QuestionType
from bot.domain.schedule import Schedule
from bot.domain.schedule_form import NOT_SAVED, OFF, ON, FieldKind, FormField, ScheduleForm
from bot.drop_life.card_state import DropCardState
from bot.service.views import (
    AnswerFeedback,
    AnswerStatus,
    DailyResult,
    LeaderboardView,
    MemberProgressView,
    OrgReportView,
    QuestionCard,
    RevealCard,
    WeeklyDigest,
)

Card = dict[str, Any]
CARD_VERSION = "1.5"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
ANSWER_VERB = "answer"
SCHEDULE_VERB = "schedule"
REFRESH_VERB = "refresh"  # Universal Actions refresh: a member's own view of a question card
PERIOD_NAMES = {"week": "this week", "month": "this month", "all": "all time"}


def card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> Card:
    result: Card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
    }
    if actions:
        result["actions"] = actions
    return result


def refresh_for(drop_id: int, user_ids: Sequence[str] | None) -> Card:
    """The card's Universal Actions `refresh`: Teams asks for each listed member's own view by
    itself (at most 60 ids); without ids (a conversation of more than 60 members, or an unknown
    roster) nobody is refreshed automatically and the card gets a Refresh button instead."""
    refresh: Card = {
        "action": {
            "type": "Action.Execute",
            "title": "Refresh",
            "verb": REFRESH_VERB,
            "data": {"drop": drop_id},
        }
    }
    if user_ids:
        refresh["userIds"] = list(user_ids)
    return refresh


def _refreshing(result: Card, refresh: Card | None) -> Card:
    """The card with its refresh, and the manual Refresh button where Teams will not refresh."""
    if refresh is None:
        return result
    result["refresh"] = refresh
    if "userIds" not in refresh:
        button = {**refresh["action"], "title": "Refresh: your answer and the count"}
        result["body"].append({"type": "ActionSet", "actions": [button]})
    return result


def text(value: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "wrap": True, **style}


def _when(instant: datetime) -> str:
    """A time Teams shows in each reader's own time zone."""
    iso = instant.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{{{{DATE({iso}, SHORT)}}}} {{{{TIME({iso})}}}}"


def _header(q: QuestionCard) -> list[dict[str, Any]]:
    return [
        text(f"Question #{q.seq} · {q.domain_name}", weight="Bolder", size="Medium"),
        text(f"{q.objective_id} {q.objective_name}", isSubtle=True, spacing="None"),
        text(q.stem),
    ]


def _answers_line(q: QuestionCard, *, closed: bool) -> dict[str, Any]:
    answers = f"{q.answer_count} answer{'s' if q.answer_count != 1 else ''} so far"
    when = f"Closed {_when(q.closes_at)}" if closed else f"Closes {_when(q.closes_at)}"
    return text(f"{when} · {answers}", isSubtle=True, size="Small")


def question_card(q: QuestionCard, *, closed: bool = False, refresh: Card | None = None) -> Card:
    """The posted question: one button per option, a choice set and a submit for "choose n", or
    a choice per position or statement and a submit for an order or yes/no question.

    With `refresh` (see refresh_for), each member's client asks for that member's own view.
    """
    body = _header(q)
    actions: list[dict[str, Any]] = _case_action(q)
    if q.multiple:
        body.append(text(f"Choose {q.pick}.", weight="Bolder"))
        body.append(
            {
                "type": "Input.ChoiceSet",
                "id": "options",
                "isMultiSelect": True,
                "style": "expanded",
                "label": f"Your {q.pick} options",
                "choices": [{"title": f"{o.label}. {o.text}", "value": o.id} for o in q.options],
            }
        )
        if not closed:
            actions.append(_submit(q))
    else:
        body.extend(text(f"**{o.label}.** {o.text}", spacing="Small") for o in q.options)
    if q.kind in (QuestionType.ORDER, QuestionType.YESNO):
        body.extend(_answer_inputs(q))
        if not closed:
            actions.append(_submit(q, "Submit the order" if q.kind is QuestionType.ORDER else None))
    elif not q.multiple and not closed:
        actions.extend(
            {
                "type": "Action.Execute",
                "title": o.label,
                "verb": ANSWER_VERB,
                "data": {"drop": q.drop_id, "option": o.id},
                "associatedInputs": "none",
            }
            for o in q.options
        )
    body.append(_answers_line(q, closed=closed))
    return _refreshing(card(body, actions), refresh)


def _submit(q: QuestionCard, title: str | None = None) -> dict[str, Any]:
    return {
        "type": "Action.Execute",
        "title": title or "Submit answer",
        "verb": ANSWER_VERB,
        "data": {"drop": q.drop_id},
        "associatedInputs": "auto",
    }


def _answer_inputs(q: QuestionCard) -> list[dict[str, Any]]:
    """One choice per position (order) or per statement (yes/no); the core's field names."""
    if q.kind is QuestionType.ORDER:
        steps = [{"title": f"{o.label}. {o.text}", "value": o.id} for o in q.options]
        return [
            {
                "type": "Input.ChoiceSet",
                "id": f"{STEP_FIELD}{n}",
                "style": "compact",
                "label": f"Step {n}",
                "placeholder": "Choose a step",
                "choices": steps,
            }
            for n in range(1, len(q.options) + 1)
        ]
    yes_no = [{"title": "Yes", "value": YES}, {"title": "No", "value": NO}]
    return [
        {
            "type": "Input.ChoiceSet",
            "id": f"{STATEMENT_FIELD}{o.id}",
            "style": "expanded",
            "label": f"{o.label}: Yes or No",
            "choices": yes_no,
        }
        for o in q.options
    ]


def _case_action(q: QuestionCard) -> list[dict[str, Any]]:
    """A button that opens the case study's scenario under the card, on each of its questions."""
    if q.case is None:
        return []
    paragraphs = [text(p) for p in q.case.paragraphs]
    return [
        {
            "type": "Action.ShowCard",
            "title": f"Case study ({q.case.position} of {q.case.size})",
            "card": card([text(q.case.title, weight="Bolder"), *paragraphs]),
        }
    ]


def feedback_card(
    q: QuestionCard, feedback: AnswerFeedback, *, refresh: Card | None = None
) -> Card:
    """The refreshed card the member who clicked sees: the question and what became of it."""
    closed = feedback.status is AnswerStatus.CLOSED
    result = question_card(q, closed=closed, refresh=refresh)
    style = {
        AnswerStatus.RECORDED: "good" if feedback.correct is not False else "attention",
        AnswerStatus.ALREADY_ANSWERED: "emphasis",
        AnswerStatus.CLOSED: "warning",
    }[feedback.status]
    items = [text(feedback.message, weight="Bolder")]
    if feedback.explanation:
        items.append(text(feedback.explanation, size="Small"))
    result["body"].insert(0, {"type": "Container", "style": style, "items": items})
    return result


def reveal_card(reveal: RevealCard, *, refresh: Card | None = None) -> Card:
    """The posted card after the close: key, explanation, references and distribution."""
    q = reveal.question
    body = [
        text(f"Question #{q.seq} · {q.domain_name} — answer", weight="Bolder", size="Medium"),
        text(f"{q.objective_id} {q.objective_name}", isSubtle=True, spacing="None"),
        text(q.stem),
    ]
    for n, result in enumerate(reveal.results, start=1):
        share = f"{result.count / reveal.answered:.0%}" if reveal.answered else "0%"
        label = f"**{result.option.label}.** {result.option.text}"
        if q.kind is QuestionType.ORDER:
            line, good = f"{n}. {label} — {result.count} put it here ({share})", True
        elif q.kind is QuestionType.YESNO:
            said = "Yes" if result.is_key else "No"
            line, good = f"{label} — **{said}** · {result.count} said Yes ({share})", False
        else:
            mark = "✅ " if result.is_key else ""
            line, good = f"{mark}{label} — {result.count} ({share})", result.is_key
        items = [text(line, color="Good" if good else "Default")]
        if result.rationale:
            items.append(text(result.rationale, isSubtle=True, size="Small", spacing="None"))
        body.append({"type": "Container", "items": items, "spacing": "Small"})
    body.append(text(f"**Answer: {reveal.answer_text}.** {reveal.explanation}", separator=True))
    if reveal.references:
        body.append(
            text("Read more: " + " · ".join(f"[{_link_title(r)}]({r})" for r in reveal.references))
        )
    body.append(
        text(
            f"{reveal.correct} of {reveal.answered} right · closed {_when(q.closes_at)}",
            isSubtle=True,
            size="Small",
        )
    )
    return _refreshing(card(body, _case_action(q)), refresh)


def member_card(state: DropCardState, *, refresh: Card | None = None) -> Card:
    """One member's own view of a question card: the shared card as it stands now (the live
    answer count, or the reveal once it has run) headed by what this member answered.

    Before the reveal it says only which option the member chose, never whether it was right.
    """
    yours = spoken(state.question.kind, state.your_labels or ())
    if state.reveal is not None:
        result = reveal_card(state.reveal, refresh=refresh)
        if not yours:
            note, style = "You did not answer this question.", "emphasis"
        elif state.your_correct:
            note, style = f"You answered {yours}: right!", "good"
        else:
            note, style = f"You answered {yours}: not this time.", "attention"
    else:
        result = question_card(state.question, closed=not state.accepting, refresh=refresh)
        if not yours:
            return result
        note, style = f"Your answer: {yours}. Only your first answer counts.", "emphasis"
        if state.accepting:
            note += " The answer is revealed when the question closes."
    header = {"type": "Container", "style": style, "items": [text(note, weight="Bolder")]}
    result["body"].insert(0, header)
    return result


def daily_result_card(result: DailyResult) -> Card:
    """The result after a reveal: the plain sentence, with the question and the key in bold."""
    return card([text(plain_text.daily_result_text(result, lambda part: f"**{part}**"))])


DIGEST_TEXT_BUDGET = 20_000  # bytes of board lines; Teams refuses a message over 28 KB


def weekly_digest_card(digest: WeeklyDigest) -> Card:
    """Last week's leaderboards: the title, then one line per board (or the "nobody" line).

    Boards past the size budget (only with very many domains and very long names) are left
    out, and a last line says how many.
    """
    body = [text(plain_text.digest_title(digest), weight="Bolder", size="Medium")]
    boards = plain_text.digest_lines(digest)
    if not boards:
        body.append(text(plain_text.NOBODY_ANSWERED))
    used = 0
    for shown, (name, top) in enumerate(boards):
        line = f"**{name}:** {top}"
        used += len(line.encode())
        if used > DIGEST_TEXT_BUDGET:
            body.append(text(f"… and {len(boards) - shown} more.", isSubtle=True))
            break
        body.append(text(line, spacing="Small"))
    return card(body)


def _link_title(url: str) -> str:
    path = url.split("://", 1)[-1].rstrip("/")
    return path.rsplit("/", 1)[-1] or path


def leaderboard_card(view: LeaderboardView) -> Card:
    period = PERIOD_NAMES.get(view.period.value, view.period.value)
    body = [
        text(f"Leaderboard · {view.team_name}", weight="Bolder", size="Medium"),
        text(f"{view.domain_name}, {period} (since {view.period_start:%Y-%m-%d})", isSubtle=True),
    ]
    if not view.rows:
        body.append(text("No answers yet in this period. Answer the next question to get on it!"))
    for row in view.rows:
        body.append(_row(row.rank, row.display_name, row.points, row.correct, row.answered))
    if view.you is not None and view.you not in view.rows:
        body.append(text("…", spacing="None"))
        you = view.you
        body.append(_row(you.rank, you.display_name, you.points, you.correct, you.answered))
    body.append(text(f"{view.total_members} member(s) ranked.", isSubtle=True, size="Small"))
    return card(body)


def _row(rank: int, name: str, points: int, correct: int, answered: int) -> dict[str, Any]:
    return {
        "type": "ColumnSet",
        "spacing": "Small",
        "columns": [
            {"type": "Column", "width": "auto", "items": [text(f"{rank}.")]},
            {"type": "Column", "width": "stretch", "items": [text(name)]},
            {
                "type": "Column",
                "width": "auto",
                "items": [text(f"{points} pts · {correct}/{answered}")],
            },
        ],
    }


def progress_card(view: MemberProgressView) -> Card:
    facts = [
        {
            "title": d.domain_name,
            "value": f"{d.correct}/{d.answered} right ({d.accuracy:.0%})"
            if d.accuracy is not None
            else "not tried yet",
        }
        for d in view.domains
    ]
    rank = f"#{view.rank} of {view.ranked_members}" if view.rank else "not ranked yet"
    body = [
        text(f"{view.display_name} · {view.team_name}", weight="Bolder", size="Medium"),
        {"type": "FactSet", "facts": facts},
        text(f"Streak {view.streak} (best {view.best_streak}) · rank {rank} (all time)"),
    ]
    weakest = view.weakest_domain
    if weakest is not None:
        body.append(text(f"Weakest so far: {weakest.domain_name}.", isSubtle=True))
    return card(body)


def report_card(view: OrgReportView) -> Card:
    period = PERIOD_NAMES.get(view.period.value, view.period.value)
    body = [text(f"Study report · {view.org_name}, {period}", weight="Bolder", size="Medium")]
    if not view.teams:
        body.append(text("No study channels yet."))
    for team in view.teams:
        body.append(
            text(
                f"**{team.team_name}**: {team.active_members} of {team.members} member(s) "
                f"answered ({team.participation:.0%}), {team.answers} answer(s)",
                separator=True,
            )
        )
    body.append(text("Accuracy per domain", weight="Bolder", separator=True))
    body.append(
        {
            "type": "FactSet",
            "facts": [
                {
                    "title": d.domain_name,
                    "value": f"{d.accuracy:.0%} of {d.answered}"
                    if d.accuracy is not None
                    else "no answers",
                }
                for d in view.domains
            ],
        }
    )
    return card(body)


HELP = (
    ("leaderboard [week|month|all] [domain]", "the team's ranking"),
    ("me", "your answers, accuracy per domain and streak"),
    ("report [week|month|all]", "participation and accuracy of every study channel"),
    ("schedule", "admins: choose days, time and answer window for this channel"),
    ("drop [domain]", "admins: post a question now"),
    ("admin add|remove @person", "team owners: make someone a study admin or stop it"),
    ("dashboard", "study admins, in a private chat: your link to the manager dashboard"),
    ("help", "this list"),
)


def help_card() -> Card:
    return card(
        [
            text("studybot commands", weight="Bolder", size="Medium"),
            text("Mention me with a command, e.g. **@studybot leaderboard month**."),
            {"type": "FactSet", "facts": [{"title": c, "value": m} for c, m in HELP]},
        ]
    )


def welcome_card(installer: str | None = None) -> Card:
    """The welcome after an install; names the installer, who is the team's first study admin."""
    body = [
        text("Hi, I'm studybot: one AZ-400 question a day, and a leaderboard.", weight="Bolder"),
        text(
            "A team owner or study admin starts it: go to the channel you want to study in "
            "and send **@studybot schedule**. Everyone answers with the buttons on each "
            "question; **@studybot help** lists every command."
        ),
    ]
    if installer:
        body.append(
            text(
                f"{installer} added studybot to this team, so {installer} is its first study "
                "admin and can make others admins with **@studybot admin add @person**."
            )
        )
    return card(body)


def schedule_card(form: ScheduleForm) -> Card:
    """The core's schedule form as a card: an input per field, then its hint and any error."""
    body = [text(f"{form.title} for this channel", weight="Bolder")]
    if form.failed:
        body.append(text(NOT_SAVED, color="Attention"))
    for field in form.fields:
        body.append({"id": field.name, "label": field.label, **INPUTS[field.kind](field)})
        if field.hint:
            body.append(text(field.hint, isSubtle=True, size="Small", spacing="None"))
        if field.error:
            body.append(text(field.error_line, color="Attention", spacing="None"))
    body += [text(line, color="Attention") for line in form.other_errors]
    submit = {"type": "Action.Execute", "title": form.submit, "verb": SCHEDULE_VERB, "data": {}}
    return card(body, [submit | {"associatedInputs": "auto"}])


def _choice_set(field: FormField, **extra: Any) -> dict[str, Any]:
    choices = [{"title": c.label, "value": c.value} for c in field.choices]
    return {"type": "Input.ChoiceSet", "value": field.value, "choices": choices, **extra}


def _toggle(field: FormField) -> dict[str, Any]:
    (on,) = field.choices
    return {
        "type": "Input.Toggle",
        "title": on.label,
        "value": field.value,
        "valueOn": ON,
        "valueOff": OFF,
    }


def _input(kind: str) -> Callable[[FormField], dict[str, Any]]:
    return lambda field: {"type": kind, "value": field.value}


INPUTS: dict[FieldKind, Callable[[FormField], dict[str, Any]]] = {
    FieldKind.TEXT: _input("Input.Text"),
    FieldKind.TIME: _input("Input.Time"),
    FieldKind.DATE: _input("Input.Date"),
    FieldKind.DAYS: lambda field: _choice_set(field, isMultiSelect=True),
    FieldKind.CHOICE: _choice_set,
    FieldKind.SWITCH: _toggle,
}


def schedule_saved_card(schedule: Schedule) -> Card:
    window = schedule.window_text()
    return card(
        [
            text("Schedule saved ✅", weight="Bolder"),
            {
                "type": "FactSet",
                "facts": [
                    {"title": "Days", "value": ", ".join(schedule.day_names())},
                    {"title": "Time", "value": f"{schedule.local_time:%H:%M} {schedule.timezone}"},
                    {"title": "Answer window", "value": window},
                    {"title": "Reveal", "value": schedule.reveal_mode.value},
                    {"title": "Focus", "value": schedule.focus_domain or "all domains"},
                ],
            },
        ]
    )
