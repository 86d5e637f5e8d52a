"""The schema of one question: its shape, field types, required fields and the ids it names."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from bot.domain.exam import Bullet, Objective, Option, Question, QuestionType

ID_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{0,63}$")
OPTION_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,15}$")
QUESTION_FIELDS = frozenset(
    {
        "id",
        "objective",
        "type",
        "pick",
        "difficulty",
        "stem",
        "options",
        "key",
        "explanation",
        "references",
        "last_verified",
        "ordered",
        "bullets",
    }
)
OPTION_FIELDS = frozenset({"id", "text", "rationale"})
# How many options each type has, and how long a step or statement may be so that every door can
# show it: a step is a choice in a Slack select and a Teams choice set (Slack's limit is 75).
OPTION_COUNTS = {
    QuestionType.SINGLE: (3, 5),
    QuestionType.MULTIPLE: (3, 5),
    QuestionType.ORDER: (4, 6),
    QuestionType.YESNO: (3, 3),
}
OPTION_TEXT_MAX = {QuestionType.ORDER: 75, QuestionType.YESNO: 200}
# Step and statement ids are short so that a whole answer fits the answers.option_ids column.
SHORT_OPTION_ID_MAX = 8
TYPE_NAMES = ", ".join(t.value for t in QuestionType)

# Reports a problem of the question being read: (question id or "#n", field, message).
Report = Callable[[str, str | None, str], None]
# Reports a problem of one field of a question whose id is known: (field, message).
FieldReport = Callable[[str, str], None]


@dataclass(frozen=True)
class QuestionDraft:
    """What could be read of a question with a valid id, even where other fields are wrong;
    the editorial rules check it, and it becomes a Question when nothing was wrong."""

    id: str
    objective: Objective | None
    type: QuestionType
    stem: str  # "" when missing or not text
    explanation: str
    difficulty: Any
    options: tuple[Option, ...]  # () when the options could not be read
    key: frozenset[str]
    pick: Any
    references: tuple[Any, ...]
    last_verified: Any
    ordered: Any
    bullets: tuple[str, ...]
    key_order: tuple[str, ...] = ()  # order: the key as listed, first step to last
    case_id: str | None = None
    case_position: int = 0

    @property
    def valid_pick(self) -> int | None:
        """The pick of a multiple-answer question when it is a whole number of 2 or more."""
        pick = self.pick
        if isinstance(pick, bool) or not isinstance(pick, int) or pick < 2:
            return None
        return pick

    def question(self) -> Question:
        """The question; call only when neither the schema nor the rules found a problem."""
        assert self.objective is not None
        assert isinstance(self.last_verified, date)
        return Question(
            id=self.id,
            objective_id=self.objective.id,
            domain_id=self.objective.domain_id,
            type=self.type,
            stem=self.stem,
            options=self.options,
            key=self.key,
            explanation=self.explanation,
            difficulty=int(self.difficulty),
            references=self.references,
            last_verified=self.last_verified,
            pick=int(self.pick),
            ordered=self.ordered or self.type is QuestionType.YESNO,  # statements as written
            bullets=self.bullets,
            key_order=self.key_order,
            case_id=self.case_id,
            case_position=self.case_position,
        )


def read_question(
    raw: Any,
    index: int,
    objectives: dict[str, Objective],
    bullets: dict[str, Bullet],
    report: Report,
) -> QuestionDraft | None:
    """Check one question's shape, types, required fields and ids; None without a valid id."""
    if not isinstance(raw, dict):
        report(f"#{index + 1}", None, "a question must be a mapping")
        return None
    qid = raw.get("id")
    if not isinstance(qid, str) or not ID_RE.match(qid):
        report(f"#{index + 1}", "id", "must match [a-z0-9][a-z0-9.-]* (at most 64 chars)")
        return None

    def err(fld: str, message: str) -> None:
        report(qid, fld, message)

    for unknown in sorted(set(raw) - QUESTION_FIELDS):
        err(unknown, "unknown field")
    named = raw.get("objective")
    objective = objectives.get(named) if isinstance(named, str) else None
    if objective is None:
        err("objective", f"unknown objective {raw.get('objective')!r}")
    try:
        qtype = QuestionType(str(raw.get("type")))
    except ValueError:
        err("type", f"must be 'single' or 'multiple', or another item type ({TYPE_NAMES})")
        qtype = QuestionType.SINGLE
    stem = _text(raw, "stem", err)
    explanation = _text(raw, "explanation", err)
    difficulty = raw.get("difficulty")
    if difficulty not in (1, 2, 3) or isinstance(difficulty, bool):
        err("difficulty", "must be 1, 2 or 3")
    options = _options(raw.get("options"), qtype, err)
    key = _key(raw.get("key"), options, qtype, err)
    keyset = frozenset(key)
    pick = raw.get("pick", None if qtype is QuestionType.MULTIPLE else 1)
    _pick_matches_key(raw, qtype, pick, keyset, options, err)
    references = _references(raw.get("references"), err)
    verified = raw.get("last_verified")
    if not isinstance(verified, date):
        err("last_verified", "must be a date (YYYY-MM-DD)")
    ordered = raw.get("ordered", False)
    if not isinstance(ordered, bool):
        err("ordered", "must be true or false")
    elif ordered and qtype is QuestionType.ORDER:
        err("ordered", "steps to put in order are always shuffled; remove ordered")
    tagged = _question_bullets(raw.get("bullets"), bullets, err)
    return QuestionDraft(
        qid, objective, qtype, stem, explanation, difficulty, tuple(options), keyset, pick,
        references, verified, ordered, tagged,
        key_order=tuple(key) if qtype is QuestionType.ORDER else (),
    )  # fmt: skip


def _key(raw: Any, options: list[Option], qtype: QuestionType, err: FieldReport) -> list[str]:
    """The key as listed: the right option(s), every step in order, or the Yes statements."""
    key = [raw] if isinstance(raw, str) else raw
    may_be_empty = qtype is QuestionType.YESNO  # every statement's answer is No
    if (
        not isinstance(key, list)
        or not (key or may_be_empty)
        or not all(isinstance(k, str) for k in key)
    ):
        err("key", KEY_MEANING[qtype])
        return []
    option_ids = [o.id for o in options]
    if len(set(key)) != len(key):
        err("key", "lists an option twice")
    elif (missing := [k for k in key if k not in option_ids]) and options:
        err("key", f"names options that do not exist: {', '.join(missing)}")
    elif qtype is QuestionType.ORDER and options and set(key) != set(option_ids):
        left_out = ", ".join(o for o in option_ids if o not in key)
        err("key", f"must list every step once, in the right order; it leaves out {left_out}")
    return list(key)


KEY_MEANING = {
    QuestionType.SINGLE: "must list the correct option id",
    QuestionType.MULTIPLE: "must list the correct option ids",
    QuestionType.ORDER: "must list every step id once, in the right order (e.g. [c, a, d, b])",
    QuestionType.YESNO: "must list the ids of the statements whose answer is Yes ([] if none)",
}


def _pick_matches_key(
    raw: dict[str, Any],
    qtype: QuestionType,
    pick: Any,
    keyset: frozenset[str],
    options: list[Option],
    err: FieldReport,
) -> None:
    if qtype in (QuestionType.ORDER, QuestionType.YESNO):
        if "pick" in raw:
            err("pick", f"a question of type {qtype.value} has no pick")
    elif qtype is QuestionType.SINGLE:
        if raw.get("pick", 1) != 1:
            err("pick", "a single-answer question has no pick (or pick: 1)")
        if len(keyset) != 1:
            err("key", "a single-answer question has exactly one key")
    elif not isinstance(pick, int) or isinstance(pick, bool) or pick < 2:
        err("pick", "a multiple-answer question needs pick: 2 or more")
    else:
        if len(keyset) != pick:
            err("key", f"pick is {pick} but the key lists {len(keyset)} option(s)")
        if options and pick >= len(options):
            err("pick", "must be smaller than the number of options")


def _references(raw: Any, err: FieldReport) -> tuple[Any, ...]:
    """The reference URLs; each must be an https:// URL (which hosts, the rules decide)."""
    if not isinstance(raw, list) or not raw:
        err("references", "needs at least one documentation URL that proves the key")
        return ()
    for i, url in enumerate(raw):
        if problem := url_problem(url):
            err(f"references[{i}]", problem)
    return tuple(raw)


def _question_bullets(raw: Any, bullets: dict[str, Bullet], err: FieldReport) -> tuple[str, ...]:
    """The bullets a question tests: required when the pack lists bullets, else not allowed."""
    if not bullets:
        if raw is not None:
            err("bullets", "the pack lists no outline bullets (pack.yaml), so none can be tagged")
        return ()
    if not isinstance(raw, list) or not raw or not all(isinstance(b, str) for b in raw):
        err("bullets", "must list the outline bullet id(s) the question tests, e.g. [D3.2.b]")
        return ()
    if len(set(raw)) != len(raw):
        err("bullets", "lists a bullet twice")
    if unknown := [b for b in raw if b not in bullets]:
        err("bullets", f"unknown bullet(s) {', '.join(unknown)}; see the objectives in pack.yaml")
    return tuple(raw)


def _text(raw: dict[str, Any], name: str, err: FieldReport) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        err(name, "must be non-empty text")
        return ""
    return " ".join(value.split())


def _options(raw: Any, qtype: QuestionType, err: FieldReport) -> list[Option]:
    low, high = OPTION_COUNTS[qtype]
    if not isinstance(raw, list) or not low <= len(raw) <= high:
        what = {QuestionType.ORDER: "steps", QuestionType.YESNO: "statements"}.get(qtype, "options")
        count = f"exactly {low}" if low == high else f"{low} to {high}"
        err("options", f"a question of type {qtype.value} needs {count} {what}")
        return []
    options: list[Option] = []
    for i, o in enumerate(raw):
        if not isinstance(o, dict):
            err(f"options[{i}]", "must be a mapping with id and text")
            return []
        for unknown in sorted(set(o) - OPTION_FIELDS):
            err(f"options[{i}].{unknown}", "unknown field")
        oid, text, rationale = o.get("id"), o.get("text"), o.get("rationale", "")
        if not isinstance(oid, str) or not OPTION_ID_RE.match(oid):
            err(f"options[{i}].id", "must match [a-z0-9][a-z0-9-]* (at most 16 chars)")
            return []
        if not isinstance(text, str) or not text.strip():
            err(f"options.{oid}.text", "must be non-empty text")
            return []
        if not isinstance(rationale, str):
            err(f"options.{oid}.rationale", "must be text")
            return []
        text = " ".join(text.split())
        if qtype in OPTION_TEXT_MAX and len(oid) > SHORT_OPTION_ID_MAX:
            err(f"options[{i}].id", f"must be at most {SHORT_OPTION_ID_MAX} characters here")
        if len(text) > OPTION_TEXT_MAX.get(qtype, len(text)):
            err(
                f"options.{oid}.text",
                f"{len(text)} characters; a {qtype.value} item allows "
                f"{OPTION_TEXT_MAX[qtype]} so that every chat app can show it",
            )
        options.append(Option(oid, text, " ".join(rationale.split())))
    if len({o.id for o in options}) != len(options):
        err("options", "option ids must be unique")
        return []
    return options


def url_problem(url: Any) -> str | None:
    """What is wrong with a URL field (None when it is an https:// URL without spaces)."""
    if not isinstance(url, str):
        return "must be a URL string"
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        return f"must be an https:// URL, got {url!r}"
    if " " in url:
        return "contains a space"
    return None
