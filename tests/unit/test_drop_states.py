"""The drop state machine on its own: the set of states, which transitions exist, and that the
table's CHECK constraint and the migration list exactly the machine's states."""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path

import pytest

import bot.storage
from bot.drop_life.states import (
    CREATED_AS,
    NEVER_POSTED,
    SHOWN,
    TRANSITIONS,
    DropStatus,
    TransitionNotAllowed,
    transition,
)
from bot.storage.tables import DROP_STATES, drops

S = DropStatus


def test_every_state_has_its_transitions_and_they_form_the_documented_life() -> None:
    assert set(TRANSITIONS) == set(DropStatus)
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == {
        (S.PENDING, S.OPEN),
        (S.PENDING, S.FAILED),
        (S.PENDING, S.SKIPPED),
        (S.OPEN, S.CLOSED),
        (S.CLOSED, S.REVEALED),
    }
    assert {S.PENDING, S.OPEN} == CREATED_AS
    assert set(SHOWN).isdisjoint(NEVER_POSTED)


@pytest.mark.parametrize(("source", "target"), list(itertools.product(DropStatus, DropStatus)))
def test_a_transition_the_machine_lacks_cannot_even_be_built(
    source: DropStatus, target: DropStatus
) -> None:
    if target in TRANSITIONS[source]:
        sql = str(transition(source, target))
        assert "WHERE drops.status =" in sql
    else:
        with pytest.raises(TransitionNotAllowed):
            transition(source, target)


def test_a_transition_from_several_states_is_refused_if_any_of_them_lacks_it() -> None:
    with pytest.raises(TransitionNotAllowed):
        transition((S.PENDING, S.CLOSED), S.OPEN)
    with pytest.raises(TransitionNotAllowed):
        transition((), S.OPEN)


def test_the_database_lists_exactly_the_machines_states() -> None:
    assert set(DROP_STATES) == {s.value for s in DropStatus}
    (check,) = [c for c in drops.constraints if c.name == "ck_drops_status"]
    for state in DropStatus:
        assert f"'{state.value}'" in str(check.sqltext)  # type: ignore[attr-defined]
    path = Path(bot.storage.__file__).parent / "migrations/versions/0008_drop_states.py"
    spec = importlib.util.spec_from_file_location("migration_0008", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert set(module.STATES) == set(DROP_STATES)
