"""The content lint: style warnings on questions and key balance over the bank."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from bot.domain.exam import Option, Question
from bot.packs.issues import Severity
from bot.packs.lint import lint_pack, lint_question
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
