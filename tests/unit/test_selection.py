"""Choosing the next question: no repeats, weakness-weighted domains, focus and reproducibility."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest

from bot.domain.exam import ExamPack
from bot.domain.selection import DomainRecord, choose_question, domain_weights, option_order
from bot.errors import NoQuestionsError
from bot.packs.loader import load_pack
from tests.conftest import MINIPACK


@pytest.fixture(scope="module")
def pack() -> ExamPack:
    return load_pack(MINIPACK, today=date(2026, 11, 26))


def draw(
    pack: ExamPack,
    dropped: dict[str, int],
    records: dict[str, DomainRecord],
    seed: int,
    **kw: object,
) -> str:
    return choose_question(
        pack.questions,
        pack.domains,
        dropped,
        records,
        random.Random(seed),
        **kw,  # type: ignore[arg-type]
    ).id


def test_no_repeats_until_the_pool_is_used_up(pack: ExamPack) -> None:
    dropped: Counter[str] = Counter()
    order = []
    for i in range(len(pack.questions) * 2):
        qid = draw(pack, dropped, {}, seed=i, last_question_id=order[-1] if order else None)
        order.append(qid)
        dropped[qid] += 1
    first_round, second_round = order[:6], order[6:]
    assert sorted(first_round) == sorted(q.id for q in pack.questions)
    assert sorted(second_round) == sorted(q.id for q in pack.questions)
    assert first_round[-1] != second_round[0]  # a new round does not open with the last question


def test_weaker_domain_is_drawn_more_often(pack: ExamPack) -> None:
    strong_d1 = {"D1": DomainRecord(answered=100, correct=95), "D2": DomainRecord(100, 20)}
    weak_d1 = {"D1": DomainRecord(answered=100, correct=20), "D2": DomainRecord(100, 95)}

    def share_d1(records: dict[str, DomainRecord]) -> float:
        picks = [pack.question(draw(pack, {}, records, seed=s)).domain_id for s in range(2000)]
        return picks.count("D1") / len(picks)

    # weights: D1 mid 70 × weakness, D2 mid 30 × weakness (Laplace-smoothed)
    expected_strong = domain_weights(pack.domains, strong_d1)
    expected_weak = domain_weights(pack.domains, weak_d1)
    p_strong = expected_strong["D1"] / sum(expected_strong.values())
    p_weak = expected_weak["D1"] / sum(expected_weak.values())
    assert p_strong < 0.2 < 0.9 < p_weak
    assert abs(share_d1(strong_d1) - p_strong) < 0.04
    assert abs(share_d1(weak_d1) - p_weak) < 0.04


def test_untried_domains_follow_exam_weights(pack: ExamPack) -> None:
    picks = [pack.question(draw(pack, {}, {}, seed=s)).domain_id for s in range(3000)]
    assert abs(picks.count("D1") / 3000 - 0.70) < 0.03


def test_focus_domain_restricts_the_pool(pack: ExamPack) -> None:
    picks = {draw(pack, {}, {}, seed=s, focus_domain="D2") for s in range(50)}
    assert picks == {"q-05", "q-06"}


def test_focus_with_no_questions_is_a_clear_error(pack: ExamPack) -> None:
    with pytest.raises(NoQuestionsError, match="no questions in domain D7"):
        draw(pack, {}, {}, seed=1, focus_domain="D7")


def test_same_seed_same_question_and_option_order(pack: ExamPack) -> None:
    assert draw(pack, {}, {}, seed=42) == draw(pack, {}, {}, seed=42)
    q = pack.question("q-01")
    assert option_order(q, random.Random(3)) == option_order(q, random.Random(3))
    orders = {option_order(q, random.Random(s)) for s in range(30)}
    assert len(orders) > 5  # options are shuffled per drop
    assert all(sorted(o) == ["a", "b", "c", "d"] for o in orders)


def test_ordered_questions_keep_their_option_order(pack: ExamPack) -> None:
    from dataclasses import replace

    q = replace(pack.question("q-01"), ordered=True)
    assert {option_order(q, random.Random(s)) for s in range(10)} == {("a", "b", "c", "d")}
