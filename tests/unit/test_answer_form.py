"""Door fields become answer tokens one way for every door (bot/domain/answer_form.py)."""

from __future__ import annotations

from bot.domain.answer_form import answer_labels, spoken, tokens_from_fields
from bot.domain.exam import QuestionType


def test_steps_come_in_position_order_whatever_the_field_order() -> None:
    fields = {"step10": "x", "step2": "b", "step1": "a", "drop_id": "5", "member": "ada"}
    assert tokens_from_fields(fields) == ("a", "b", "x")  # 10 after 2: numbers, not text


def test_empty_foreign_and_odd_fields_are_left_out() -> None:
    fields = {"step1": "", "step２": "a", "step123": "b", "stepx": "c", "step3": 4, "yn_a": ""}
    assert tokens_from_fields(fields) == ()


def test_statements_become_id_equals_answer() -> None:
    assert tokens_from_fields({"yn_b": "no", "yn_a": "yes"}) == ("b=no", "a=yes")


def test_labels_read_as_the_drop_showed_the_options() -> None:
    shown = ["c", "a", "b", "d"]
    assert answer_labels(QuestionType.ORDER, shown, ["a", "b", "c", "d"]) == ("B", "C", "A", "D")
    assert answer_labels(QuestionType.MULTIPLE, shown, ["d", "c"]) == ("A", "D")
    yesno = answer_labels(QuestionType.YESNO, ["a", "b", "c"], ["b=no", "a=yes", "c=yes"])
    assert spoken(QuestionType.YESNO, yesno) == "A Yes, B No, C Yes"
    assert spoken(QuestionType.ORDER, ("B", "C")) == "B → C"
    assert spoken(QuestionType.SINGLE, ("B",)) == "B"
