"""The exam's other item types in a pack: order the steps, yes/no series and case studies."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.domain.exam import QuestionType
from bot.domain.selection import choose_question, droppable, option_order
from bot.packs.issues import Severity
from bot.packs.lint import lint_pack
from bot.packs.loader import read_pack
from bot.packs.stats import format_stats, pack_stats
from bot.service.catalog import question_from_dict, question_to_dict
from tests.unit.test_pack_loader import TODAY, copy_pack

STEPS = [
    {"id": "a", "text": "Create the service connection"},
    {"id": "b", "text": "Add the deployment job to the pipeline"},
    {"id": "c", "text": "Approve the first run's use of the connection"},
    {"id": "d", "text": "Watch the deployment reach the environment"},
]


def order_question(**change: Any) -> dict[str, Any]:
    q: dict[str, Any] = {
        "id": "q-order",
        "objective": "D1.1",
        "type": "order",
        "difficulty": 2,
        "stem": "A team wires its first deployment. In which order should they do the steps?",
        "options": [dict(s) for s in STEPS],
        "key": ["a", "b", "c", "d"],
        "explanation": "The connection must exist before a job names it, and so on.",
        "references": ["https://learn.microsoft.com/en-us/azure/devops/pipelines/"],
        "last_verified": TODAY,
    }
    q.update(change)
    return q


def yesno_question(**change: Any) -> dict[str, Any]:
    q: dict[str, Any] = {
        "id": "q-yesno",
        "objective": "D1.1",
        "type": "yesno",
        "difficulty": 2,
        "stem": "A team keeps its pipeline in YAML. For each statement, answer Yes or No.",
        "options": [
            {"id": "a", "text": "The pipeline file lives in the repository.", "rationale": "Y."},
            {"id": "b", "text": "Every run needs a manual approval.", "rationale": "N."},
            {"id": "c", "text": "Triggers can be written in the file.", "rationale": "Y."},
        ],
        "key": ["a", "c"],
        "explanation": "YAML pipelines are versioned with the code.",
        "references": ["https://learn.microsoft.com/en-us/azure/devops/pipelines/"],
        "last_verified": TODAY,
    }
    q.update(change)
    return q


def with_questions(tmp_path: Path, *extra: dict[str, Any]) -> Path:
    pack = copy_pack(tmp_path)
    path = pack / "questions" / "D1.yaml"
    questions = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump([*questions, *extra], sort_keys=False))
    return pack


def errors_of(pack: Path) -> list[tuple[str | None, str | None, str]]:
    _, issues = read_pack(pack, today=TODAY)
    return [(i.question_id, i.field, i.message) for i in issues if i.severity is Severity.ERROR]


def test_order_and_yesno_questions_load_and_score_only_a_whole_right_answer(
    tmp_path: Path,
) -> None:
    pack, issues = read_pack(with_questions(tmp_path, order_question(key=["c", "a", "d", "b"]),
                                            yesno_question()), today=TODAY)  # fmt: skip
    assert [i for i in issues if i.severity is Severity.ERROR] == []
    assert pack is not None
    order, yesno = pack.question("q-order"), pack.question("q-yesno")
    assert order.type is QuestionType.ORDER
    assert order.key_order == ("c", "a", "d", "b")
    assert order.is_correct(["c", "a", "d", "b"])
    assert not order.is_correct(["a", "c", "d", "b"])  # two steps swapped
    assert not order.is_correct(["c", "a", "d"])  # a step left out
    assert yesno.type is QuestionType.YESNO
    assert yesno.key == {"a", "c"}
    assert yesno.is_correct(["a=yes", "b=no", "c=yes"])
    assert not yesno.is_correct(["a=yes", "b=yes", "c=yes"])  # one statement wrong
    assert not yesno.is_correct(["a=yes", "c=yes"])  # one statement unanswered
    assert yesno.ordered  # statements are shown as written


def test_a_yesno_series_whose_answers_are_all_no_has_an_empty_key(tmp_path: Path) -> None:
    pack, _ = read_pack(with_questions(tmp_path, yesno_question(key=[])), today=TODAY)
    assert pack is not None
    question = pack.question("q-yesno")
    assert question.is_correct(["a=no", "b=no", "c=no"])
    assert not question.is_correct(["a=no", "b=no", "c=yes"])


BROKEN = [
    (order_question(key=["a", "b", "c"]), "key", "leaves out d"),
    (order_question(key=["a", "b", "c", "c"]), "key", "lists an option twice"),
    (order_question(options=STEPS[:3], key=["a", "b", "c"]), "options", "needs 4 to 6 steps"),
    (order_question(pick=2), "pick", "has no pick"),
    (order_question(ordered=True), "ordered", "always shuffled"),
    (
        order_question(options=[*STEPS[:3], {"id": "d", "text": "Deploy " * 20}]),
        "options.d.text",
        "allows 75",
    ),
    (order_question(key=[]), "key", "must list every step id once"),
    (
        yesno_question(options=yesno_question()["options"][:2], key=["a"]),
        "options",
        "exactly 3 statements",
    ),
    (
        yesno_question(stem="A team keeps its pipeline in YAML. Which is right?"),
        "stem",
        "answer Yes or No",
    ),
    (
        yesno_question(options=[{"id": "a", "text": "x."}, *yesno_question()["options"][1:]]),
        "options.a.rationale",
        "each statement needs a rationale",
    ),
    (yesno_question(key="z"), "key", "names options that do not exist: z"),
]


@pytest.mark.parametrize(("raw", "field", "message"), BROKEN)
def test_a_broken_item_is_reported_with_its_field(
    tmp_path: Path, raw: dict[str, Any], field: str, message: str
) -> None:
    errors = errors_of(with_questions(tmp_path, raw))
    assert any(qid == raw["id"] and f == field and message in m for qid, f, m in errors), errors


def case_file(**change: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "id": "case-01",
        "title": "Northwind moves to YAML pipelines",
        "scenario": "Northwind builds two apps.\n\nIt wants approvals before production.",
        "questions": [
            order_question(id="case-01-1"),
            yesno_question(id="case-01-2"),
            dict(order_question(id="case-01-3"), key=["b", "a", "c", "d"]),
        ],
    }
    case.update(change)
    return case


def with_case(tmp_path: Path, case: dict[str, Any]) -> Path:
    pack = copy_pack(tmp_path)
    (pack / "cases").mkdir()
    (pack / "cases" / "case-01.yaml").write_text(yaml.safe_dump(case, sort_keys=False))
    return pack


def test_a_case_study_loads_with_its_questions_in_posting_order(tmp_path: Path) -> None:
    pack, issues = read_pack(with_case(tmp_path, case_file()), today=TODAY)
    assert [i for i in issues if i.severity is Severity.ERROR] == []
    assert pack is not None
    (case,) = pack.cases
    assert case.question_ids == ("case-01-1", "case-01-2", "case-01-3")
    assert case.scenario == "Northwind builds two apps.\n\nIt wants approvals before production."
    assert [pack.question(q).case_position for q in case.question_ids] == [1, 2, 3]
    assert {pack.question(q).case_id for q in case.question_ids} == {"case-01"}
    stats = pack_stats(pack)
    assert stats.cases == 1
    assert stats.types["order"] == 2
    assert stats.types["yesno"] == 1
    assert "order 2, yesno 1; case studies: 1 (3 questions)" in format_stats(pack, stats)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"questions": [order_question(id="case-01-1")]}, "questions", "3 to 5 questions"),
        ({"title": "x" * 81}, "title", "at most 80"),
        ({"scenario": ""}, "scenario", "non-empty"),
        ({"scenario": "word " * 700}, "scenario", "at most 2800"),
        ({"teaser": "?"}, "teaser", "unknown field"),
    ],
)
def test_a_broken_case_study_is_reported(
    tmp_path: Path, change: dict[str, Any], field: str, message: str
) -> None:
    errors = errors_of(with_case(tmp_path, case_file(**change)))
    assert any(f == field and message in m for _, f, m in errors), errors


def test_a_case_question_with_an_id_of_the_bank_is_a_duplicate(tmp_path: Path) -> None:
    errors = errors_of(with_case(tmp_path, case_file(questions=[
        order_question(id="q-01"), order_question(id="case-01-2"), yesno_question(id="case-01-3"),
    ])))  # fmt: skip
    assert ("q-01", "id", "duplicate id (first used in questions/D1.yaml)") in errors


def test_order_steps_are_never_shown_in_the_right_order(tmp_path: Path) -> None:
    pack, _ = read_pack(with_questions(tmp_path, order_question()), today=TODAY)
    assert pack is not None
    question = pack.question("q-order")
    shown = Counter(option_order(question, random.Random(seed)) for seed in range(300))
    assert question.key_order not in shown
    assert len(shown) > 10  # still shuffled, not one fixed wrong order


def test_a_case_study_is_drawn_by_its_first_question_and_then_posted_in_series(
    tmp_path: Path,
) -> None:
    pack, _ = read_pack(with_case(tmp_path, case_file()), today=TODAY)
    assert pack is not None
    assert droppable(pack.question("case-01-1"))
    assert not droppable(pack.question("case-01-2"))
    drawn = {
        choose_question(pack.questions, pack.domains, {}, {}, random.Random(seed)).id
        for seed in range(300)
    }
    assert "case-01-1" in drawn
    assert any(pack.question(q).type is QuestionType.ORDER for q in drawn)
    assert not drawn & {"case-01-2", "case-01-3"}  # only by continuation
    series = ["case-01-1"]
    for _ in range(2):  # focus on another domain does not interrupt the case
        series.append(
            choose_question(
                pack.questions, pack.domains, {}, {}, random.Random(1),
                focus_domain="D2", last_question_id=series[-1],
            ).id
        )  # fmt: skip
    assert series == ["case-01-1", "case-01-2", "case-01-3"]
    after = choose_question(
        pack.questions, pack.domains, {}, {}, random.Random(1), last_question_id="case-01-3"
    )
    assert after.case_position <= 1  # a finished case starts nothing by itself


def test_catalog_keeps_the_order_of_a_key_and_the_case_of_a_question(tmp_path: Path) -> None:
    pack, _ = read_pack(with_case(tmp_path, case_file()), today=TODAY)
    assert pack is not None
    for question in pack.questions:
        assert question_from_dict(question_to_dict(question)) == question
    plain = pack.question("q-01")
    assert "key_order" not in question_to_dict(plain)  # older questions keep their stored hash


def test_lint_flags_a_bank_whose_yesno_statements_are_nearly_all_yes(tmp_path: Path) -> None:
    series = [
        yesno_question(
            id=f"q-yn-{n:02d}",
            key=["a", "b", "c"],
            stem=f"Team {n} keeps its pipeline in YAML. For each statement, answer Yes or No.",
        )
        for n in range(8)
    ]
    found = [i.message for i in lint_pack(with_questions(tmp_path, *series), today=TODAY)]
    assert any("a yes/no statement's answer is Yes in 24 of 24" in m for m in found), found
