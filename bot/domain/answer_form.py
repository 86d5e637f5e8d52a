"""The form of an answer per question type: its tokens, their checks, labels and door fields.

An answer is a tuple of tokens (docs/content-format.md): option ids for single and multiple
(stored sorted), every step id in the member's order for order, and one `id=yes` or `id=no` per
statement for yes/no (stored in the statements' order). Every door reads its inputs into these
tokens with `tokens_from_fields`, so the rules live here once.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping, Sequence

from bot.domain.exam import Question, QuestionType, statement_answers
from bot.errors import InvalidInputError

STEP_FIELD = "step"  # step1 … stepN: the id of the step the member put at position N
STATEMENT_FIELD = "yn_"  # yn_<statement id>: "yes" or "no"
YES, NO = "yes", "no"
MAX_POSITION_DIGITS = 2  # at most 6 steps; a longer position number is not one of ours
NOTHING = "Nothing was recorded."


def tokens_from_fields(fields: Mapping[str, object]) -> tuple[str, ...]:
    """The answer tokens an order or yes/no form's named inputs give (empty inputs left out).

    Steps come in position order; statements as the fields name them. What the tokens lack or
    repeat is for `checked_answer` to explain, so a half-filled form gets a clear message.
    """
    steps: list[tuple[int, str]] = []
    said: list[str] = []
    for name, value in fields.items():
        if not isinstance(value, str) or not value:
            continue
        if name.startswith(STEP_FIELD):
            position = name[len(STEP_FIELD) :]
            if position.isascii() and position.isdigit() and len(position) <= MAX_POSITION_DIGITS:
                steps.append((int(position), value))
        elif name.startswith(STATEMENT_FIELD):
            said.append(f"{name[len(STATEMENT_FIELD) :]}={value}")
    return tuple(value for _, value in sorted(steps)) + tuple(said)


def checked_answer(question: Question, tokens: Sequence[str]) -> tuple[str, ...]:
    """The answer as stored, or InvalidInputError saying what is wrong with it."""
    if question.type is QuestionType.ORDER:
        return _checked_order(question, tokens)
    if question.type is QuestionType.YESNO:
        return _checked_yesno(question, tokens)
    chosen = frozenset(tokens)
    _known(question, chosen)
    if len(chosen) != len(tokens):
        raise InvalidInputError(f"The same option was chosen twice. {NOTHING}")
    if question.type is QuestionType.SINGLE and len(chosen) != 1:
        raise InvalidInputError(f"Choose exactly one option. {NOTHING}")
    if question.type is QuestionType.MULTIPLE and len(chosen) != question.pick:
        raise InvalidInputError(
            f"This question asks for {question.pick} options; you chose {len(chosen)}. {NOTHING}"
        )
    return tuple(sorted(chosen))


def _known(question: Question, ids: Iterable[str]) -> None:
    unknown = sorted(set(ids) - set(question.option_ids))
    if unknown:
        raise InvalidInputError(
            f"Unknown option {', '.join(unknown)}; this question's options are "
            f"{', '.join(question.option_ids)}. {NOTHING}"
        )


def _checked_order(question: Question, tokens: Sequence[str]) -> tuple[str, ...]:
    _known(question, tokens)
    steps = len(question.options)
    if len(set(tokens)) != len(tokens):
        raise InvalidInputError(
            f"A step was put in two positions; put each of the {steps} steps in one position. "
            f"{NOTHING}"
        )
    if len(tokens) != steps:
        raise InvalidInputError(
            f"Put all {steps} steps in order; you placed {len(tokens)}. {NOTHING}"
        )
    return tuple(tokens)


def _checked_yesno(question: Question, tokens: Sequence[str]) -> tuple[str, ...]:
    said: dict[str, str] = {}
    for token in tokens:
        oid, _, value = token.partition("=")
        if value not in (YES, NO):
            raise InvalidInputError(f"Answer each statement with Yes or No. {NOTHING}")
        if oid in said:
            raise InvalidInputError(f"A statement was answered twice. {NOTHING}")
        said[oid] = value
    _known(question, said)
    if len(said) != len(question.options):
        raise InvalidInputError(
            f"Answer Yes or No for all {len(question.options)} statements; you answered "
            f"{len(said)}. {NOTHING}"
        )
    return tuple(f"{oid}={said[oid]}" for oid in question.option_ids)


def answer_labels(
    kind: QuestionType, option_order: Sequence[str], tokens: Iterable[str]
) -> tuple[str, ...]:
    """How the member's answer reads with the letters this drop showed (A, B, C …)."""

    def letter(option_id: str) -> str:
        return string.ascii_uppercase[option_order.index(option_id)]

    if kind is QuestionType.ORDER:
        return tuple(letter(t) for t in tokens)
    if kind is QuestionType.YESNO:
        said = statement_answers(tokens).items()
        return tuple(sorted(f"{letter(oid)} {value.capitalize()}" for oid, value in said))
    return tuple(sorted(letter(t) for t in tokens))


def spoken(kind: QuestionType, labels: Sequence[str]) -> str:
    """Labels as one phrase: "A and C", "C → A → D → B", "A Yes, B No, C Yes"."""
    if kind is QuestionType.ORDER:
        return " → ".join(labels)
    if kind is QuestionType.YESNO:
        return ", ".join(labels)
    return " and ".join(labels)
