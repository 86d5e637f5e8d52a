"""Block Kit for a drop: the question with its answer controls, the reveal, and private feedback."""

from __future__ import annotations

from typing import Any

from adapters.slack.mrkdwn import (
    Block,
    clip,
    context_block,
    escape,
    local_date,
    option,
    packed,
    percent,
    section_block,
)
from bot.domain.answer_form import NO, STATEMENT_FIELD, STEP_FIELD, YES
from bot.domain.exam import QuestionType
from bot.service.views import AnswerFeedback, QuestionCard, RevealCard

ANSWER_ACTION = "studybot_answer"  # one button per option: studybot_answer_A, _B …
PICK_ACTION = "studybot_pick"  # the checkboxes of a "choose two" question
SUBMIT_ACTION = "studybot_submit"  # the submit button under the checkboxes
CHOICE_BLOCK = "studybot_choice"
FIELDS_BLOCK = "studybot_fields"  # the selects of an order or yes/no question, and its submit
FIELD_ACTION = "studybot_field_"  # + the core's field name: studybot_field_step1, _yn_a …
OPTION_TEXT_MAX = 75  # Block Kit's limit for an option's text in a select
METADATA_EVENT = "studybot_drop"
TEXT_PREVIEW = 300


def option_value(drop_id: int, option_id: str) -> str:
    return f"{drop_id}:{option_id}"


def question_message(card: QuestionCard) -> dict[str, Any]:
    """chat.postMessage / chat.update arguments (text, blocks, metadata) for an open question."""
    blocks: list[Block] = [
        _heading(card),
        *_case_blocks(card),
        section_block(escape(card.stem)),
        *(
            section_block(t)
            for t in packed([f"*{o.label}.* {escape(o.text)}" for o in card.options])
        ),
    ]
    if card.kind in (QuestionType.ORDER, QuestionType.YESNO):
        blocks.append(_fields_block(card))
    elif card.multiple:
        blocks.append(
            {
                "type": "actions",
                "block_id": CHOICE_BLOCK,
                "elements": [
                    {
                        "type": "checkboxes",
                        "action_id": PICK_ACTION,
                        "options": [option(o.label, o.id) for o in card.options],
                    },
                    _submit_button(card, f"Submit {card.pick} answers"),
                ],
            }
        )
    else:
        blocks.append(
            {
                "type": "actions",
                "block_id": "studybot_options",
                "elements": [
                    {
                        "type": "button",
                        "action_id": f"{ANSWER_ACTION}_{o.label}",
                        "text": {"type": "plain_text", "text": o.label},
                        "value": option_value(card.drop_id, o.id),
                    }
                    for o in card.options
                ],
            }
        )
    how = {
        QuestionType.ORDER: "pick the step for each position, then submit",
        QuestionType.YESNO: "answer Yes or No for each statement, then submit",
    }.get(card.kind, f"choose {card.pick}, then submit" if card.multiple else "choose one")
    blocks.append(
        context_block(
            f"Closes {local_date(card.closes_at)} · {_count(card.answer_count)} · {how} · "
            "only your first answer counts"
        )
    )
    return {
        "text": clip(f"Question #{card.seq} ({card.domain_name}): {card.stem}", TEXT_PREVIEW),
        "blocks": blocks,
        "metadata": _metadata(card),
    }


def _case_blocks(card: QuestionCard) -> list[Block]:
    """The case study's scenario, shown with each of its questions."""
    if card.case is None:
        return []
    case = card.case
    title = f"*Case study: {escape(case.title)}* · question {case.position} of {case.size}"
    paragraphs = packed([escape(p) for p in case.paragraphs])
    return [section_block(title), *(section_block(p) for p in paragraphs)]


def _fields_block(card: QuestionCard) -> Block:
    """One select per position (order) or per statement (yes/no), then the submit button."""
    if card.kind is QuestionType.ORDER:
        steps = [option(clip(f"{o.label}. {o.text}", OPTION_TEXT_MAX), o.id) for o in card.options]
        selects = [
            _select(f"{STEP_FIELD}{n}", f"Step {n}", steps) for n in range(1, len(card.options) + 1)
        ]
        submit = "Submit the order"
    else:
        answers = [option("Yes", YES), option("No", NO)]
        selects = [
            _select(f"{STATEMENT_FIELD}{o.id}", f"{o.label}: Yes or No", answers)
            for o in card.options
        ]
        submit = "Submit answers"
    return {
        "type": "actions",
        "block_id": FIELDS_BLOCK,
        "elements": [*selects, _submit_button(card, submit)],
    }


def _submit_button(card: QuestionCard, text: str) -> dict[str, Any]:
    """The button that sends what the member chose in the message's inputs."""
    return {
        "type": "button",
        "action_id": SUBMIT_ACTION,
        "style": "primary",
        "text": {"type": "plain_text", "text": text},
        "value": str(card.drop_id),
    }


def _select(field: str, placeholder: str, options: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "static_select",
        "action_id": f"{FIELD_ACTION}{field}",
        "placeholder": {"type": "plain_text", "text": placeholder},
        "options": options,
    }


def reveal_message(reveal: RevealCard) -> dict[str, Any]:
    """chat.update arguments that replace the question with its answer and the distribution."""
    card = reveal.question
    lines = []
    for n, r in enumerate(reveal.results, start=1):
        if card.kind is QuestionType.ORDER:
            line = f"*{n}.* *{r.option.label}.* {escape(r.option.text)} — {_placed(r.count)}"
        elif card.kind is QuestionType.YESNO:
            said = "Yes" if r.is_key else "No"
            line = f"*{r.option.label}.* {escape(r.option.text)} — *{said}* · {r.count} said Yes"
        else:
            mark = ":white_check_mark:" if r.is_key else ":x:"
            line = f"{mark} *{r.option.label}.* {escape(r.option.text)} — {_picked(r.count)}"
        if r.rationale:
            line += f"\n    _{escape(r.rationale)}_"
        lines.append(line)
    blocks: list[Block] = [
        _heading(card, closed=True),
        *_case_blocks(card),
        section_block(escape(card.stem)),
        *(section_block(t) for t in packed(lines)),
        section_block(f"*Why:* {escape(reveal.explanation)}"),
    ]
    if reveal.references:
        links = "\n".join(f"• <{ref}>" for ref in reveal.references if _is_link(ref))
        if links:
            blocks.append(section_block(f"*Read more:*\n{links}"))
    accuracy = percent(reveal.correct / reveal.answered if reveal.answered else None)
    blocks.append(
        context_block(
            f"Closed {local_date(card.closes_at)} · {reveal.answered} answered · "
            f"{reveal.correct} right ({accuracy})"
        )
    )
    return {
        "text": clip(
            f"Answer to question #{card.seq}: {reveal.answer_text}. {reveal.explanation}",
            TEXT_PREVIEW,
        ),
        "blocks": blocks,
        "metadata": _metadata(card),
    }


def feedback_message(feedback: AnswerFeedback) -> dict[str, Any]:
    """The member's private reply to an answer: recorded, already answered or closed."""
    text = feedback.message
    if feedback.correct is not None:
        text = (":white_check_mark: " if feedback.correct else ":x: ") + text
    blocks: list[Block] = [section_block(escape(text))]
    if feedback.explanation:
        blocks.append(section_block(f"*Why:* {escape(feedback.explanation)}"))
    return {"text": clip(text, TEXT_PREVIEW), "blocks": blocks}


def error_message(text: str) -> dict[str, Any]:
    """A private reply saying what was wrong (nothing was stored)."""
    return {
        "text": clip(text, TEXT_PREVIEW),
        "blocks": [section_block(f":warning: {escape(text)}")],
    }


def _metadata(card: QuestionCard) -> dict[str, Any]:
    """The drop id the message carries, so the engine can find its own post (find_question)."""
    return {
        "event_type": METADATA_EVENT,
        "event_payload": {"drop_id": card.drop_id, "team_id": card.team_id},
    }


def _heading(card: QuestionCard, *, closed: bool = False) -> Block:
    state = " · closed" if closed else ""
    return section_block(
        f"*Question #{card.seq}{state}* · {escape(card.domain_name)}\n"
        f"_{escape(card.objective_id)} {escape(card.objective_name)}_ · "
        f"difficulty {card.difficulty}"
    )


def _count(n: int) -> str:
    if n == 0:
        return "no answers yet"
    return "1 answer so far" if n == 1 else f"{n} answers so far"


def _picked(n: int) -> str:
    return "1 pick" if n == 1 else f"{n} picks"


def _placed(n: int) -> str:
    return "1 put it here" if n == 1 else f"{n} put it here"


def _is_link(ref: str) -> bool:
    return ref.startswith(("https://", "http://")) and not any(c in ref for c in "<>| ")
