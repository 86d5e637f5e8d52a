"""Reads an exam pack folder (pack.yaml, questions/*.yaml, cases/*.yaml) and validates it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.domain.exam import (
    Bullet,
    Case,
    Domain,
    Exam,
    ExamPack,
    Objective,
    Question,
)
from bot.packs.editorial import ALLOWED_REFERENCE_HOSTS, check_editorial
from bot.packs.issues import PackError, PackIssue, Severity
from bot.packs.question_schema import ID_RE, read_question, url_problem

__all__ = ["ALLOWED_REFERENCE_HOSTS", "load_pack", "read_pack"]

# libyaml's loader where PyYAML was built with it: the same documents, several times faster
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
BULLET_FIELDS = frozenset({"id", "text"})


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
    cases = []
    for path in sorted((folder / "cases").glob("*.yaml")):
        rel = str(path.relative_to(folder))
        case = _case(_read_yaml(path, folder, out), rel, objectives, bullets, out, today, seen)
        if case is not None:
            cases.append(case[0])
            questions.extend(case[1])
    pack = ExamPack(exam=exam, domains=domains, questions=tuple(questions), cases=tuple(cases))
    return pack, out.issues


CASE_FIELDS = frozenset({"id", "title", "scenario", "questions"})
CASE_SIZE = (3, 5)
CASE_TITLE_MAX = 80
CASE_SCENARIO_MAX = 2800  # characters: one Slack section (3,000) with room for a heading


def _case(
    raw: Any,
    file: str,
    objectives: dict[str, Objective],
    bullets: dict[str, Bullet],
    out: _Collector,
    today: date | None,
    seen: dict[str, str],
) -> tuple[Case, list[Question]] | None:
    """A case study file: its scenario and its 3 to 5 questions, in posting order."""
    if raw is None:
        return None
    cid = raw.get("id") if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or not isinstance(cid, str) or not ID_RE.match(cid):
        out.error(file, None, "id", "a case study is a mapping with an id like case-01")
        return None
    ok = True
    for unknown in sorted(set(raw) - CASE_FIELDS):
        out.error(file, cid, unknown, "unknown field")
        ok = False
    title, scenario = raw.get("title"), raw.get("scenario")
    if not isinstance(title, str) or not title.strip() or len(title) > CASE_TITLE_MAX:
        out.error(file, cid, "title", f"must be text of at most {CASE_TITLE_MAX} characters")
        ok = False
    if not isinstance(scenario, str) or not scenario.strip():
        out.error(file, cid, "scenario", "must be non-empty text")
        return None
    # paragraphs kept (a folded YAML block turns each blank line into one newline)
    scenario = "\n\n".join(" ".join(p.split()) for p in scenario.splitlines() if p.strip())
    if len(scenario) > CASE_SCENARIO_MAX:
        out.error(file, cid, "scenario", f"{len(scenario)} characters; at most {CASE_SCENARIO_MAX}")
        ok = False
    raw_questions = raw.get("questions")
    low, high = CASE_SIZE
    if not isinstance(raw_questions, list) or not low <= len(raw_questions) <= high:
        out.error(file, cid, "questions", f"a case study has {low} to {high} questions")
        return None
    if cid in seen:
        out.error(file, cid, "id", f"duplicate id (first used in {seen[cid]})")
        return None
    seen[cid] = file
    found: list[Question] = []
    for index, item in enumerate(raw_questions):
        question = _question(item, index, file, objectives, bullets, out, today or date.today())
        if question is None:
            ok = False
            continue
        if question.id in seen:
            out.error(file, question.id, "id", f"duplicate id (first used in {seen[question.id]})")
            ok = False
            continue
        seen[question.id] = file
        found.append(replace(question, case_id=cid, case_position=index + 1))
    if not ok:
        return None
    case = Case(cid, " ".join(str(title).split()), scenario, tuple(q.id for q in found))
    return case, found


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
    if source is not None and (problem := url_problem(source)):
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
    """The question, once its schema and then the editorial rules found nothing wrong."""
    before = len(out.issues)

    def report(qid: str, fld: str | None, message: str) -> None:
        out.error(file, qid, fld, message)

    draft = read_question(raw, index, objectives, bullets, report)
    if draft is None:
        return None
    check_editorial(draft, today, lambda fld, message: report(draft.id, fld, message))
    if len(out.issues) > before:
        return None
    return draft.question()
