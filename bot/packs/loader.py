"""Reads an exam pack folder (pack.yaml and questions/*.yaml) and validates every field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.domain.exam import (
    Bullet,
    Domain,
    Exam,
    ExamPack,
    Objective,
    Option,
    Question,
    QuestionType,
)
from bot.packs.issues import PackError, PackIssue, Severity

# libyaml's loader where PyYAML was built with it: the same documents, several times faster
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ID_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{0,63}$")
OPTION_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,15}$")
ALLOWED_REFERENCE_HOSTS = frozenset({"learn.microsoft.com", "docs.github.com", "git-scm.com"})
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
BULLET_FIELDS = frozenset({"id", "text"})
OPTION_FIELDS = frozenset({"id", "text", "rationale"})
NUMBER_WORDS = {2: "two", 3: "three", 4: "four"}
COMBINED_OPTION_RE = re.compile(
    r"\b(all|none) of the above\b|^\s*(both\s+)?[A-E]\s*(and|&|,)\s*[A-E]\b|^\s*neither\s+[A-E]\b",
    re.IGNORECASE,
)


@dataclass
class _Collector:
    """Gathers problems while reading, so one run reports all of them."""

    issues: list[PackIssue] = field(default_factory=list)

    def error(self, file: str, qid: str | None, fld: str | None, message: str) -> None:
        self.issues.append(PackIssue(Severity.ERROR, file, qid, fld, message))


def load_pack(folder: Path, *, today: date | None = None) -> ExamPack:
    """Load and validate a pack; raise PackError listing every error found."""
    pack, issues = read_pack(folder, today=today)
    if pack is None or any(i.severity is Severity.ERROR for i in issues):
        raise PackError(issues)
    return pack


def read_pack(
    folder: Path, *, today: date | None = None
) -> tuple[ExamPack | None, list[PackIssue]]:
    """Read a pack, returning what could be read and every structural problem."""
    out = _Collector()
    meta_path = folder / "pack.yaml"
    meta = _read_yaml(meta_path, folder, out)
    if not isinstance(meta, dict):
        if meta is not None:
            out.error("pack.yaml", None, None, "must be a mapping with 'exam' and 'domains'")
        return None, out.issues
    exam = _exam(meta.get("exam"), out)
    domains = _domains(meta.get("domains"), out)
    if exam is None or domains is None:
        return None, out.issues
    objectives = {o.id: o for d in domains for o in d.objectives}
    bullets = {b.id: b for o in objectives.values() for b in o.bullets}

    questions: list[Question] = []
    seen: dict[str, str] = {}
    qdir = folder / "questions"
    files = sorted(qdir.glob("*.yaml")) if qdir.is_dir() else []
    if not files:
        out.error("questions/", None, None, "no question files (questions/*.yaml) found")
    for path in files:
        rel = str(path.relative_to(folder))
        data = _read_yaml(path, folder, out)
        if data is None:
            continue
        if not isinstance(data, list):
            out.error(rel, None, None, "must be a YAML list of questions")
            continue
        for index, raw in enumerate(data):
            question = _question(raw, index, rel, objectives, bullets, out, today or date.today())
            if question is None:
                continue
            if question.id in seen:
                out.error(
                    rel, question.id, "id", f"duplicate id (first used in {seen[question.id]})"
                )
                continue
            seen[question.id] = rel
            questions.append(question)
    return ExamPack(exam=exam, domains=domains, questions=tuple(questions)), out.issues


def _read_yaml(path: Path, folder: Path, out: _Collector) -> Any:
    rel = str(path.relative_to(folder)) if path.is_relative_to(folder) else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        out.error(rel, None, None, f"file not found in {folder}")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        out.error(rel, None, None, f"cannot read the file: {exc}")
        return None
    try:
        return yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        out.error(rel, None, None, f"invalid YAML{where}: {problem}")
        return None


def _exam(raw: Any, out: _Collector) -> Exam | None:
    if not isinstance(raw, dict):
        out.error("pack.yaml", None, "exam", "missing or not a mapping")
        return None
    ok = True
    for name in ("code", "title"):
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            out.error("pack.yaml", None, f"exam.{name}", "must be a non-empty string")
            ok = False
    ints = {}
    for name in ("pass_mark", "score_min", "score_max"):
        value = raw.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            out.error("pack.yaml", None, f"exam.{name}", "must be a whole number")
            ok = False
        else:
            ints[name] = value
    if ok and not ints["score_min"] <= ints["pass_mark"] <= ints["score_max"]:
        out.error("pack.yaml", None, "exam.pass_mark", "must lie between score_min and score_max")
        ok = False
    as_of = raw.get("outline_as_of")
    if as_of is not None and not isinstance(as_of, date):
        out.error("pack.yaml", None, "exam.outline_as_of", "must be a date (YYYY-MM-DD)")
        ok = False
    source = raw.get("outline_source")
    if source is not None and (problem := _url_problem(source)):
        out.error("pack.yaml", None, "exam.outline_source", problem)
        ok = False
    if not ok:
        return None
    return Exam(
        raw["code"],
        raw["title"],
        ints["pass_mark"],
        ints["score_min"],
        ints["score_max"],
        outline_as_of=as_of,
        outline_source=source,
    )


def _domains(raw: Any, out: _Collector) -> tuple[Domain, ...] | None:
    if not isinstance(raw, list) or not raw:
        out.error("pack.yaml", None, "domains", "must be a non-empty list")
        return None
    domains: list[Domain] = []
    ids: set[str] = set()
    for i, d in enumerate(raw):
        where = f"domains[{i}]"
        if not isinstance(d, dict):
            out.error("pack.yaml", None, where, "must be a mapping")
            continue
        did, name, weight = d.get("id"), d.get("name"), d.get("weight")
        if not isinstance(did, str) or not did or did in ids:
            out.error("pack.yaml", None, f"{where}.id", "must be a unique non-empty string")
            continue
        ids.add(did)
        if not isinstance(name, str) or not name:
            out.error("pack.yaml", None, f"{where}.name", "must be a non-empty string")
            continue
        wmin = weight.get("min") if isinstance(weight, dict) else None
        wmax = weight.get("max") if isinstance(weight, dict) else None
        if not all(isinstance(w, int | float) and not isinstance(w, bool) for w in (wmin, wmax)):
            out.error("pack.yaml", None, f"{where}.weight", "needs numeric min and max percentages")
            continue
        assert isinstance(wmin, int | float)
        assert isinstance(wmax, int | float)
        if not 0 < wmin <= wmax <= 100:
            out.error("pack.yaml", None, f"{where}.weight", "needs 0 < min <= max <= 100")
            continue
        objectives = _objectives(d.get("objectives"), did, where, out)
        if objectives is None:
            continue
        domains.append(Domain(did, name, float(wmin), float(wmax), objectives))
    if len(domains) != len(raw):
        return None
    objective_ids = [o.id for d in domains for o in d.objectives]
    if len(objective_ids) != len(set(objective_ids)):
        out.error("pack.yaml", None, "objectives", "objective ids must be unique across domains")
        return None
    return tuple(domains)


def _objectives(raw: Any, did: str, where: str, out: _Collector) -> tuple[Objective, ...] | None:
    if not isinstance(raw, list) or not raw:
        out.error("pack.yaml", None, f"{where}.objectives", "must be a non-empty list")
        return None
    objectives = []
    for j, o in enumerate(raw):
        owhere = f"{where}.objectives[{j}]"
        if not isinstance(o, dict) or not all(
            isinstance(o.get(k), str) and o[k].strip() for k in ("id", "name", "summary")
        ):
            out.error("pack.yaml", None, owhere, "needs non-empty id, name and summary")
            return None
        bullets = _bullets(o.get("bullets", []), o["id"], f"{owhere}.bullets", out)
        if bullets is None:
            return None
        objectives.append(
            Objective(o["id"], did, o["name"], " ".join(o["summary"].split()), bullets)
        )
    return tuple(objectives)


def _bullets(raw: Any, oid: str, where: str, out: _Collector) -> tuple[Bullet, ...] | None:
    """An objective's outline bullets: ids that extend the objective id (D3.2.b), and a text."""
    if not isinstance(raw, list):
        out.error("pack.yaml", None, where, "must be a list of bullets with id and text")
        return None
    bullets: list[Bullet] = []
    for k, b in enumerate(raw):
        bwhere = f"{where}[{k}]"
        if not isinstance(b, dict) or not all(
            isinstance(b.get(f), str) and b[f].strip() for f in BULLET_FIELDS
        ):
            out.error("pack.yaml", None, bwhere, "needs a non-empty id and text")
            return None
        if unknown := sorted(set(b) - BULLET_FIELDS):
            out.error("pack.yaml", None, bwhere, f"unknown field(s): {', '.join(unknown)}")
            return None
        bid = b["id"]
        if not re.fullmatch(rf"{re.escape(oid)}\.[a-z]", bid):
            out.error(
                "pack.yaml", None, f"{bwhere}.id", f"must be {oid}. and a letter (e.g. {oid}.a)"
            )
            return None
        if any(x.id == bid for x in bullets):
            out.error("pack.yaml", None, f"{bwhere}.id", f"duplicate bullet id {bid}")
            return None
        bullets.append(Bullet(bid, oid, " ".join(b["text"].split())))
    return tuple(bullets)


def _question(
    raw: Any,
    index: int,
    file: str,
    objectives: dict[str, Objective],
    bullets: dict[str, Bullet],
    out: _Collector,
    today: date,
) -> Question | None:
    if not isinstance(raw, dict):
        out.error(file, f"#{index + 1}", None, "a question must be a mapping")
        return None
    qid = raw.get("id")
    if not isinstance(qid, str) or not ID_RE.match(qid):
        out.error(file, f"#{index + 1}", "id", "must match [a-z0-9][a-z0-9.-]* (at most 64 chars)")
        return None
    before = len(out.issues)

    def err(fld: str, message: str) -> None:
        out.error(file, qid, fld, message)

    for unknown in sorted(set(raw) - QUESTION_FIELDS):
        err(unknown, "unknown field")
    objective = objectives.get(raw.get("objective"))  # type: ignore[arg-type]
    if objective is None:
        err("objective", f"unknown objective {raw.get('objective')!r}")
    try:
        qtype = QuestionType(str(raw.get("type")))
    except ValueError:
        err("type", "must be 'single' or 'multiple'")
        qtype = QuestionType.SINGLE
    stem = _text(raw, "stem", err)
    explanation = _text(raw, "explanation", err)
    difficulty = raw.get("difficulty")
    if difficulty not in (1, 2, 3) or isinstance(difficulty, bool):
        err("difficulty", "must be 1, 2 or 3")
    options = _options(raw.get("options"), err)
    option_ids = {o.id for o in options}
    key = raw.get("key")
    if isinstance(key, str):
        key = [key]
    if not isinstance(key, list) or not key or not all(isinstance(k, str) for k in key):
        err("key", "must list the correct option id(s)")
        key = []
    elif len(set(key)) != len(key):
        err("key", "lists an option twice")
    elif (missing := [k for k in key if k not in option_ids]) and options:
        err("key", f"names options that do not exist: {', '.join(missing)}")
    keyset = frozenset(key)
    pick = raw.get("pick", 1 if qtype is QuestionType.SINGLE else None)
    if qtype is QuestionType.SINGLE:
        if raw.get("pick", 1) != 1:
            err("pick", "a single-answer question has no pick (or pick: 1)")
        if len(keyset) != 1:
            err("key", "a single-answer question has exactly one key")
    else:
        if not isinstance(pick, int) or isinstance(pick, bool) or pick < 2:
            err("pick", "a multiple-answer question needs pick: 2 or more")
        else:
            if len(keyset) != pick:
                err("key", f"pick is {pick} but the key lists {len(keyset)} option(s)")
            if options and pick >= len(options):
                err("pick", "must be smaller than the number of options")
            if stem and not _states_count(stem, pick):
                err(
                    "stem",
                    f"must say how many to choose (e.g. 'Choose {NUMBER_WORDS.get(pick, pick)}.')",
                )
    for option in options:
        if option.id not in keyset and not option.rationale:
            err(f"options.{option.id}.rationale", "a wrong option needs a rationale")
        if COMBINED_OPTION_RE.search(option.text):
            err(f"options.{option.id}.text", "no 'all/none of the above' or combined options")
    if stem and not _ends_with_question(stem):
        err("stem", "must end with a question (a sentence ending in '?', before any 'Choose N.')")
    references = raw.get("references")
    if not isinstance(references, list) or not references:
        err("references", "needs at least one documentation URL that proves the key")
        references = []
    for i, url in enumerate(references):
        problem = _reference_problem(url)
        if problem:
            err(f"references[{i}]", problem)
    verified = raw.get("last_verified")
    if not isinstance(verified, date):
        err("last_verified", "must be a date (YYYY-MM-DD)")
    elif verified > today:
        err("last_verified", "is in the future")
    ordered = raw.get("ordered", False)
    if not isinstance(ordered, bool):
        err("ordered", "must be true or false")
    tagged = _question_bullets(raw.get("bullets"), bullets, err)
    if len(out.issues) > before or objective is None or not isinstance(verified, date):
        return None
    return Question(
        id=qid,
        objective_id=objective.id,
        domain_id=objective.domain_id,
        type=qtype,
        stem=stem,
        options=tuple(options),
        key=keyset,
        explanation=explanation,
        difficulty=int(difficulty),  # type: ignore[arg-type]
        references=tuple(references),
        last_verified=verified,
        pick=int(pick),  # type: ignore[arg-type]
        ordered=ordered,
        bullets=tagged,
    )


def _question_bullets(raw: Any, bullets: dict[str, Bullet], err: Any) -> tuple[str, ...]:
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


def _text(raw: dict[str, Any], name: str, err: Any) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        err(name, "must be non-empty text")
        return ""
    return " ".join(value.split())


def _options(raw: Any, err: Any) -> list[Option]:
    if not isinstance(raw, list) or not 3 <= len(raw) <= 5:
        err("options", "needs 3 to 5 options")
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
        options.append(Option(oid, " ".join(text.split()), " ".join(rationale.split())))
    if len({o.id for o in options}) != len(options):
        err("options", "option ids must be unique")
        return []
    if len({o.text.casefold() for o in options}) != len(options):
        err("options", "two options have the same text")
    return options


def _states_count(stem: str, pick: int) -> bool:
    word = NUMBER_WORDS.get(pick, str(pick))
    pattern = rf"\b(choose|select|pick)\s+({word}|{pick})\b"
    return re.search(pattern, stem, re.IGNORECASE) is not None


def _ends_with_question(stem: str) -> bool:
    body = re.sub(
        r"\s*(Each correct answer[^.]*\.\s*)?(Choose|Select|Pick)\s+\w+\s*\.?\s*$", "", stem
    )
    return body.rstrip().endswith("?")


def _url_problem(url: Any) -> str | None:
    if not isinstance(url, str):
        return "must be a URL string"
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        return f"must be an https:// URL, got {url!r}"
    if " " in url:
        return "contains a space"
    return None


def _reference_problem(url: Any) -> str | None:
    if problem := _url_problem(url):
        return problem
    parts = urlsplit(url)
    if parts.hostname not in ALLOWED_REFERENCE_HOSTS:
        allowed = ", ".join(sorted(ALLOWED_REFERENCE_HOSTS))
        return f"host {parts.hostname!r} is not an allowed documentation host ({allowed})"
    return None
