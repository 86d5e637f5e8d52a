"""The content lint: style warnings on questions and key balance over the bank."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from bot.domain.exam import Bullet, ExamPack, Option, Question, QuestionType
from bot.packs import cues
from bot.packs.issues import Severity
from bot.packs.lint import _bank_rules, lint_pack, lint_question
from bot.packs.loader import load_pack
from tests.conftest import MINIPACK

TODAY = date(2026, 11, 26)
LONG_STEM = (
    "Your team deploys a web app from an Azure Pipelines YAML pipeline to three environments and "
    "must stop unreviewed changes reaching production while keeping test deployments fully "
    "automatic and without adding any manual steps for developers who only work in test. "
    "What should you configure?"
)


def base() -> Question:
    q = load_pack(MINIPACK, today=TODAY).question("q-01")
    return replace(
        q,
        stem=LONG_STEM,
        options=(
            Option("a", "An approval check on the production environment"),
            Option("b", "A branch policy on the main branch", "x"),
            Option("c", "A required reviewer rule on the repository", "x"),
            Option("d", "A manual validation task in every stage", "x"),
        ),
        last_verified=TODAY,
    )


def fields(q: Question) -> dict[str, str]:
    return dict(lint_question(q, TODAY))


def test_a_clean_question_has_no_warnings() -> None:
    assert fields(base()) == {}


def test_short_stem_is_flagged() -> None:
    assert "words; aim for 40-150" in fields(replace(base(), stem="What should you use?"))["stem"]


def test_absolute_words_in_options_are_flagged() -> None:
    q = base()
    q = replace(
        q, options=(*q.options[:3], Option("d", "Always run a manual validation task", "x"))
    )
    assert "absolute word 'Always'" in fields(q)["options.d.text"]


def test_absolute_words_in_code_are_not_flagged() -> None:
    q = base()
    code = (Option("c", "always()", "x"), Option("d", "cron with always: true", "x"))
    assert fields(replace(q, options=(*q.options[:2], *code))) == {}


def test_clearly_longest_key_is_flagged() -> None:
    q = base()
    long_key = Option(
        "a", "An approval check on the production environment with business hours and a lock"
    )
    assert (
        "clearly the longest" in fields(replace(q, options=(long_key, *q.options[1:])))["options"]
    )


def test_retired_product_names_are_flagged() -> None:
    q = replace(base(), explanation="Sign in with Azure AD.")
    assert "retired name 'Azure AD'" in fields(q)["stem"]


def test_lower_case_negation_is_flagged_but_capitals_are_not() -> None:
    lower = LONG_STEM.replace("What should you configure?", "Which setting is not needed?")
    upper = LONG_STEM.replace("What should you configure?", "Which setting is NOT needed?")
    assert "negative question ('not')" in fields(replace(base(), stem=lower))["stem"]
    assert "stem" not in fields(replace(base(), stem=upper))


def test_old_verification_is_flagged() -> None:
    assert (
        "check the key" in fields(replace(base(), last_verified=date(2025, 1, 1)))["last_verified"]
    )


def test_lint_pack_reports_warnings_with_file_and_id() -> None:
    issues = lint_pack(MINIPACK, today=TODAY)
    assert issues
    assert all(i.severity is Severity.WARNING for i in issues)
    assert any(i.file == "questions/D1.yaml" and i.question_id == "q-01" for i in issues)


def test_lint_pack_puts_errors_first(tmp_path: Path) -> None:
    import shutil

    pack = tmp_path / "p"
    shutil.copytree(MINIPACK, pack)
    text = (pack / "questions" / "D2.yaml").read_text().replace("difficulty: 1", "difficulty: 9")
    (pack / "questions" / "D2.yaml").write_text(text)
    issues = lint_pack(pack, today=TODAY)
    assert issues[0].severity is Severity.ERROR
    assert issues[0].question_id == "q-06"


# --- outline bullets and bank-wide answer cues -------------------------------------------------


def bulleted_pack(questions: list[Question], *, bullets: tuple[str, ...] = ("D1.1.a",)) -> ExamPack:
    """The minipack with outline bullets under D1.1 and the given questions."""
    pack = load_pack(MINIPACK, today=TODAY)
    d1 = pack.domain("D1")
    triggers = replace(
        d1.objectives[0], bullets=tuple(Bullet(b, "D1.1", f"bullet {b}") for b in bullets)
    )
    domains = (replace(d1, objectives=(triggers, *d1.objectives[1:])), *pack.domains[1:])
    return replace(pack, domains=domains, questions=tuple(questions))


def variant(n: int, key_text: str, others: tuple[str, str, str], **changes: object) -> Question:
    q = replace(
        base(),
        id=f"v-{n:02d}",
        options=(
            Option("a", key_text),
            Option("b", others[0], "x"),
            Option("c", others[1], "x"),
            Option("d", others[2], "x"),
        ),
        bullets=("D1.1.a",),
    )
    return replace(q, **changes)  # type: ignore[arg-type]


LONG = (
    "An approval check on the production environment",
    "A branch policy on the main branch",
    "A required reviewer rule on every repository",
)


def bank_warnings(pack: ExamPack) -> list[str]:
    """Bank-wide warnings other than look-alikes (the synthetic questions share their stem)."""
    return [w for w in _bank_rules(pack) if "look alike" not in w]


def test_bullet_below_three_questions_is_flagged_and_three_pass() -> None:
    two = [variant(i, f"Option {i}", LONG) for i in range(2)]
    assert any("D1.1.a" in w and "needs at least 3" in w for w in bank_warnings(bulleted_pack(two)))
    three = [variant(i, f"Option {i}", LONG) for i in range(3)]
    assert not any("outline bullet" in w for w in bank_warnings(bulleted_pack(three)))


def test_question_whose_bullets_belong_to_another_objective_is_flagged() -> None:
    q = replace(base(), bullets=("D2.1.a",))
    assert "belongs to objective D1.1" in fields(q)["bullets"]
    assert "bullets" not in fields(replace(base(), bullets=("D1.1.a", "D2.1.a")))


def test_key_that_is_the_shortest_option_too_often_is_flagged() -> None:
    # 30 questions, the key always the unique shortest of four: chance gives about 7.5.
    cued = [variant(i, f"Lock {i}", LONG) for i in range(30)]
    assert any("the key is the shortest option" in w for w in bank_warnings(bulleted_pack(cued)))


def test_key_shortest_about_as_often_as_chance_is_not_flagged() -> None:
    # The key is the shortest in 8 of 30 questions (chance: 7.5); in the rest another option is.
    questions = [
        variant(
            i,
            f"Lock {i}" if i % 4 == 0 else f"An exclusive lock check number {i:02d} here",
            ("Lock", *LONG[1:]) if i % 4 else LONG,
        )
        for i in range(30)
    ]
    test = cues.shortest_key(questions)
    assert test.observed == 8
    assert test.questions == 30
    assert not any("shortest" in w for w in bank_warnings(bulleted_pack(questions)))


def test_key_least_like_the_stem_too_often_is_flagged() -> None:
    # Distractors reuse the stem's words ("production", "pipelines", "environments"); keys do not.
    stemmy = (
        "Production environments in pipelines",
        "Deploys production pipelines",
        "Test deployments environments review",
    )
    cued = [variant(i, f"Quorum widget {i} zeta", stemmy) for i in range(30)]
    warnings = bank_warnings(bulleted_pack(cued))
    assert any("least like the stem" in w for w in warnings)
    fair = [
        variant(
            i,
            stemmy[0] if i % 4 else f"Quorum widget {i} zeta",
            (f"Quorum widget {i} zeta", *stemmy[1:]) if i % 4 else stemmy,
        )
        for i in range(30)
    ]
    assert not any("least like the stem" in w for w in bank_warnings(bulleted_pack(fair)))


def multiple(n: int, key: frozenset[str]) -> Question:
    return replace(
        base(),
        id=f"m-{n:02d}",
        type=QuestionType.MULTIPLE,
        pick=2,
        stem=LONG_STEM.replace("configure?", "configure? Choose two."),
        options=tuple(Option(o, f"Choice {o} {n}", "" if o in key else "x") for o in "abcde"),
        key=key,
        bullets=("D1.1.a",),
    )


def test_multiple_answer_keys_stuck_in_the_same_positions_are_flagged() -> None:
    stuck = [multiple(i, frozenset("ab")) for i in range(30)]
    warnings = bank_warnings(bulleted_pack(stuck))
    assert any("multiple-answer key sits at position 1" in w for w in warnings)
    assert any("multiple-answer key sits at position 5" in w for w in warnings)
    pairs = ["ab", "cd", "ea", "bc", "de"]
    spread = [multiple(i, frozenset(pairs[i % 5])) for i in range(30)]
    assert not any("multiple-answer key" in w for w in bank_warnings(bulleted_pack(spread)))


def test_poisson_binomial_tail_matches_the_binomial() -> None:
    # 10 fair coins: P(at least 9 heads) = 11 / 1024.
    assert abs(cues.upper_tail([0.5] * 10, 9) - 11 / 1024) < 1e-12
    assert cues.upper_tail([0.25] * 4, 0) == 1.0
