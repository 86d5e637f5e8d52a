"""The editorial rules every question meets once its schema is read: fair options, a stem that
asks, explained distractors, documentation that proves the key, a verification date not ahead."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from bot.domain.exam import QuestionType
from bot.packs.question_schema import FieldReport, QuestionDraft, url_problem

ALLOWED_REFERENCE_HOSTS = frozenset({"learn.microsoft.com", "docs.github.com", "git-scm.com"})
NUMBER_WORDS = {2: "two", 3: "three", 4: "four"}
CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE)  # a key among distractors
YES_NO_ENDING_RE = re.compile(r"For each statement, answer Yes or No\.\s*$")
COMBINED_OPTION_RE = re.compile(
    r"\b(all|none) of the above\b|^\s*(both\s+)?[A-E]\s*(and|&|,)\s*[A-E]\b|^\s*neither\s+[A-E]\b",
    re.IGNORECASE,
)


def check_editorial(draft: QuestionDraft, today: date, err: FieldReport) -> None:
    """Report every rule the question breaks (the schema's problems are reported already)."""
    options = draft.options
    if options and len({o.text.casefold() for o in options}) != len(options):
        err("options", "two options have the same text")
    pick = draft.valid_pick
    multiple = draft.type is QuestionType.MULTIPLE
    if multiple and pick and draft.stem and not _states_count(draft.stem, pick):
        word = NUMBER_WORDS.get(pick, pick)
        err("stem", f"must say how many to choose (e.g. 'Choose {word}.')")
    for option in options:
        if draft.type is QuestionType.YESNO and not option.rationale:
            err(f"options.{option.id}.rationale", "each statement needs a rationale (Yes or No)")
        elif draft.type in CHOICE_TYPES and option.id not in draft.key and not option.rationale:
            err(f"options.{option.id}.rationale", "a wrong option needs a rationale")
        if COMBINED_OPTION_RE.search(option.text):
            err(f"options.{option.id}.text", "no 'all/none of the above' or combined options")
    if draft.type is QuestionType.YESNO:
        if draft.stem and not YES_NO_ENDING_RE.search(draft.stem):
            err("stem", "must end with 'For each statement, answer Yes or No.'")
    elif draft.stem and not _ends_with_question(draft.stem):
        err("stem", "must end with a question (a sentence ending in '?', before any 'Choose N.')")
    for i, url in enumerate(draft.references):
        if not url_problem(url) and (problem := _host_problem(url)):
            err(f"references[{i}]", problem)
    if isinstance(draft.last_verified, date) and draft.last_verified > today:
        err("last_verified", "is in the future")


def _states_count(stem: str, pick: int) -> bool:
    word = NUMBER_WORDS.get(pick, str(pick))
    pattern = rf"\b(choose|select|pick)\s+({word}|{pick})\b"
    return re.search(pattern, stem, re.IGNORECASE) is not None


def _ends_with_question(stem: str) -> bool:
    body = re.sub(
        r"\s*(Each correct answer[^.]*\.\s*)?(Choose|Select|Pick)\s+\w+\s*\.?\s*$", "", stem
    )
    return body.rstrip().endswith("?")


def _host_problem(url: str) -> str | None:
    host = urlsplit(url).hostname
    if host not in ALLOWED_REFERENCE_HOSTS:
        allowed = ", ".join(sorted(ALLOWED_REFERENCE_HOSTS))
        return f"host {host!r} is not an allowed documentation host ({allowed})"
    return None
