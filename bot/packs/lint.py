"""Style rules for questions (warnings), on top of the loader's structural errors."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path

from bot.domain.exam import ExamPack, Question, QuestionType
from bot.packs import cues
from bot.packs.issues import PackIssue, Severity
from bot.packs.loader import read_pack
from bot.packs.similarity import describe, similar_pairs
from bot.packs.stats import COVERAGE_MIN, pack_stats

STEM_WORDS = (40, 150)
# An absolute word, unless it is code: a YAML key (`always: true`) or a function (`always()`).
ABSOLUTE_RE = re.compile(r"\b(always|never|only|guaranteed|all|none)\b(?!\s*[:(])", re.IGNORECASE)
VAGUE_STEM_RE = re.compile(
    r"\bwhich (of the following )?statements? (is|are) (true|correct)\b", re.I
)
NEGATION_RE = re.compile(
    r"\b(?i:which|what)\s+(?:\w+\s+){0,4}(?:is|are|does|do|should|would|will|can)\s+(?P<neg>not)\b"
    r"|\b(?P<exc>except)\b"
)
RETIRED_NAMES = {
    "Azure Active Directory": "Microsoft Entra ID",
    "Azure AD": "Microsoft Entra ID",
    "AAD": "Microsoft Entra ID",
    "Automanage Machine Configuration": "Azure Machine Configuration",
    "Azure Policy Guest Configuration": "Azure Machine Configuration",
    "Visual Studio Team Services": "Azure DevOps",
    "VSTS": "Azure DevOps",
}
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "with",
        "you",
        "your",
        "what",
        "which",
        "should",
        "do",
        "does",
        "how",
        "use",
    ]
)
WORDS_RE = re.compile(r"[a-z][a-z0-9-]+")
MAX_AGE = timedelta(days=365)
SIMILARITY_THRESHOLD = 0.4


def lint_pack(folder: Path, *, today: date | None = None) -> list[PackIssue]:
    """Every error and warning for a pack folder, errors first."""
    today = today or date.today()
    pack, issues = read_pack(folder, today=today)
    if pack is not None:
        files = _question_files(folder)
        for question in pack.questions:
            for field, message in lint_question(question, today):
                issues.append(
                    PackIssue(
                        Severity.WARNING, files.get(question.id, "?"), question.id, field, message
                    )
                )
        issues.extend(
            PackIssue(Severity.WARNING, "questions/", None, None, m) for m in _bank_rules(pack)
        )
    return sorted(
        issues, key=lambda i: (i.severity is not Severity.ERROR, i.file, i.question_id or "")
    )


def lint_question(q: Question, today: date) -> Iterable[tuple[str, str]]:
    """Style warnings for one question as (field, message) pairs."""
    words = len(q.stem.split())
    shortest = 10 if q.case_id else STEM_WORDS[0]  # a case question's facts are in its scenario
    if not shortest <= words <= STEM_WORDS[1]:
        yield (
            "stem",
            f"{words} words; aim for {STEM_WORDS[0]}-{STEM_WORDS[1]} so it fits a chat message",
        )
    if VAGUE_STEM_RE.search(q.stem):
        yield "stem", "asks 'which statement is true'; state the problem in the stem instead"
    negation = _question_negation(q.stem)
    if negation:
        yield "stem", f"negative question ('{negation}'): ask positively or write it in CAPITALS"
    for option in q.options:
        match = ABSOLUTE_RE.search(option.text)
        if match:
            yield (
                f"options.{option.id}.text",
                f"absolute word '{match.group(0)}' can give the answer away",
            )
    if q.type is QuestionType.SINGLE:
        (key_id,) = q.key
        lengths = {o.id: len(o.text) for o in q.options}
        others = [n for oid, n in lengths.items() if oid != key_id]
        if lengths[key_id] > 1.25 * max(others) and lengths[key_id] - max(others) > 15:
            yield "options", "the key is clearly the longest option"
        stem_words = _content_words(q.stem)
        overlap = {o.id: len(stem_words & _content_words(o.text)) for o in q.options}
        if overlap[key_id] >= 2 and all(
            overlap[key_id] > n for oid, n in overlap.items() if oid != key_id
        ):
            yield "options", "the key repeats more of the stem's words than any distractor"
    if q.bullets and not any(b.startswith(f"{q.objective_id}.") for b in q.bullets):
        yield (
            "bullets",
            f"none of the bullets {', '.join(q.bullets)} belongs to objective {q.objective_id}",
        )
    text = " ".join([q.stem, q.explanation, *(o.text for o in q.options)])
    for old, new in RETIRED_NAMES.items():
        if re.search(rf"\b{re.escape(old)}\b", text):
            yield "stem", f"uses the retired name '{old}'; write '{new}'"
    if today - q.last_verified > MAX_AGE:
        yield (
            "last_verified",
            f"last verified {q.last_verified}; check the key against its references again",
        )


def _question_negation(stem: str) -> str | None:
    """The lower-case negation in the asking sentence ('which is not …'), if any."""
    for sentence in re.split(r"(?<=[.?])\s+", stem):
        match = NEGATION_RE.search(sentence) if sentence.endswith("?") else None
        if match:
            return match.group("neg") or match.group("exc")
    return None


def _content_words(text: str) -> set[str]:
    return {w for w in WORDS_RE.findall(text.lower()) if w not in STOP_WORDS and len(w) > 3}


def _bank_rules(pack: ExamPack) -> Iterable[str]:
    """Rules over the whole bank: near-duplicates, bullet coverage, cues that point at the key
    (shortest, least like the stem) and where the key sits in the authored order."""
    yield from describe(similar_pairs(pack.questions, SIMILARITY_THRESHOLD))
    bullets = pack.bullets()
    for bid, count in pack_stats(pack).thin_bullets.items():
        yield (
            f"outline bullet {bid} ({bullets[bid].text}) is tested by {count} question(s); "
            f"every bullet needs at least {COVERAGE_MIN}"
        )
    tests = []
    # separately: a single key and a set of keys differ in length; steps to order and yes/no
    # statements have no distractors, so these cues do not apply to them
    for qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        of_type = [q for q in pack.questions if q.type is qtype]
        tests += [
            cues.shortest_key(of_type, qtype.value),
            cues.least_like_stem_key(of_type, qtype.value),
        ]
    tests += cues.multiple_key_positions(pack.questions)
    tests.append(cues.yes_share(pack.questions))
    yield from (cues.describe(t) for t in tests if t.flagged)
    positions: Counter[int] = Counter()
    for q in pack.questions:
        if q.type is QuestionType.SINGLE and not q.ordered and len(q.options) == 4:
            positions[q.option_ids.index(next(iter(q.key)))] += 1
    total = sum(positions.values())
    if total >= 20:
        expected = total / 4
        for pos in range(4):
            share = positions[pos]
            if abs(share - expected) > max(3.0, 0.35 * expected):
                yield (
                    f"key positions are unbalanced: position {pos + 1} holds the key in {share} of "
                    f"{total} four-option single-answer questions (about {expected:.0f} expected)"
                )


def _question_files(folder: Path) -> dict[str, str]:
    """Map question ids to the file they are written in, for locating warnings."""
    found: dict[str, str] = {}
    id_line: Callable[[str], re.Match[str] | None] = re.compile(r"^ {0,2}-\s+id:\s*([\w.-]+)").match
    for path in [*sorted(folder.glob("questions/*.yaml")), *sorted(folder.glob("cases/*.yaml"))]:
        for line in path.read_text(encoding="utf-8").splitlines():
            m = id_line(line)
            if m:
                found.setdefault(m.group(1), str(path.relative_to(folder)))
    return found
