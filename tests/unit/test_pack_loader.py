"""Loading exam packs: a valid pack loads; every broken field is reported by file, id and field."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.domain.exam import QuestionType
from bot.packs.issues import PackError, Severity
from bot.packs.loader import load_pack, read_pack
from bot.packs.stats import format_stats, pack_stats
from tests.conftest import MINIPACK

TODAY = date(2026, 11, 26)


def copy_pack(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(MINIPACK, target)
    return target


def edit_first_question(pack: Path, change: Any) -> None:
    path = pack / "questions" / "D1.yaml"
    questions = yaml.safe_load(path.read_text())
    change(questions[0])
    path.write_text(yaml.safe_dump(questions, sort_keys=False))


def test_minipack_loads_with_domains_objectives_and_questions() -> None:
    pack = load_pack(MINIPACK, today=TODAY)
    assert pack.exam.code == "MINI-1"
    assert [d.id for d in pack.domains] == ["D1", "D2"]
    assert pack.domain("D1").weight_mid == 70
    assert len(pack.questions) == 6
    q4 = pack.question("q-04")
    assert q4.type is QuestionType.MULTIPLE
    assert q4.pick == 2
    assert q4.key == {"a", "d"}
    assert q4.domain_id == "D1"
    assert q4.is_correct(["d", "a"])
    assert not q4.is_correct(["a"])
    assert not q4.is_correct(["a", "d", "b"])


def test_bundled_az400_pack_loads_without_errors() -> None:
    pack, issues = read_pack(Path(__file__).parents[2] / "content" / "az400")
    errors = [str(i) for i in issues if i.severity is Severity.ERROR]
    assert errors == []
    assert pack is not None
    assert pack.exam.pass_mark == 700
    assert [d.id for d in pack.domains] == ["D1", "D2", "D3", "D4", "D5"]
    assert pack.domain("D3").weight_min == 50
    per_domain = {d.id: sum(q.domain_id == d.id for q in pack.questions) for d in pack.domains}
    assert all(n >= 3 for n in per_domain.values()), per_domain


BROKEN = [
    ("key", lambda q: q.update(key=["z"]), "key", "names options that do not exist: z"),
    ("two keys", lambda q: q.update(key=["a", "b"]), "key", "exactly one key"),
    ("no key", lambda q: q.pop("key"), "key", "must list the correct option"),
    ("type", lambda q: q.update(type="essay"), "type", "must be 'single' or 'multiple'"),
    ("objective", lambda q: q.update(objective="D9.9"), "objective", "unknown objective 'D9.9'"),
    (
        "objective not text",
        lambda q: q.update(objective=["D1.1"]),
        "objective",
        "unknown objective ['D1.1']",
    ),
    ("difficulty", lambda q: q.update(difficulty=5), "difficulty", "must be 1, 2 or 3"),
    ("options", lambda q: q.update(options=q["options"][:2]), "options", "needs 3 to 5 options"),
    (
        "rationale",
        lambda q: q["options"][1].pop("rationale"),
        "options.b.rationale",
        "needs a rationale",
    ),
    (
        "reference host",
        lambda q: q.update(references=["https://example.com/x"]),
        "references[0]",
        "not an allowed",
    ),
    (
        "http",
        lambda q: q.update(references=["http://learn.microsoft.com/x"]),
        "references[0]",
        "https://",
    ),
    (
        "future",
        lambda q: q.update(last_verified=date(2030, 1, 1)),
        "last_verified",
        "in the future",
    ),
    (
        "stem",
        lambda q: q.update(stem="Pick the right pipeline setting."),
        "stem",
        "must end with a question",
    ),
    ("unknown field", lambda q: q.update(colour="blue"), "colour", "unknown field"),
    (
        "all above",
        lambda q: q["options"][2].update(text="All of the above"),
        "options.c.text",
        "all/none",
    ),
    ("combined", lambda q: q["options"][2].update(text="A and B"), "options.c.text", "combined"),
    (
        "pick count",
        lambda q: q.update(type="multiple", pick=2),
        "key",
        "pick is 2 but the key lists 1",
    ),
    (
        "pick stated",
        lambda q: q.update(type="multiple", pick=2, key=["a", "b"]),
        "stem",
        "must say how many to choose",
    ),
]


@pytest.mark.parametrize(("name", "change", "field", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_question_is_reported_by_file_id_and_field(
    tmp_path: Path, name: str, change: Any, field: str, message: str
) -> None:
    pack = copy_pack(tmp_path)
    edit_first_question(pack, change)
    with pytest.raises(PackError) as raised:
        load_pack(pack, today=TODAY)
    found = [i for i in raised.value.issues if i.severity is Severity.ERROR]
    assert any(
        i.file == "questions/D1.yaml"
        and i.question_id == "q-01"
        and i.field == field
        and message in i.message
        for i in found
    ), [str(i) for i in found]
    assert "questions/D1.yaml [q-01]" in str(raised.value)


def test_invalid_yaml_reports_the_line(tmp_path: Path) -> None:
    pack = copy_pack(tmp_path)
    (pack / "questions" / "D2.yaml").write_text("- id: q-09\n  stem: [unclosed\n")
    with pytest.raises(PackError, match=r"questions/D2.yaml: invalid YAML at line \d+"):
        load_pack(pack, today=TODAY)


def test_duplicate_ids_across_files_are_reported(tmp_path: Path) -> None:
    pack = copy_pack(tmp_path)
    shutil.copy(pack / "questions" / "D2.yaml", pack / "questions" / "extra.yaml")
    with pytest.raises(
        PackError, match=r"\[q-05\] id: duplicate id \(first used in questions/D2.yaml\)"
    ):
        load_pack(pack, today=TODAY)


def test_broken_metadata_is_reported(tmp_path: Path) -> None:
    pack = copy_pack(tmp_path)
    meta = yaml.safe_load((pack / "pack.yaml").read_text())
    meta["domains"][0]["weight"] = {"min": 80, "max": 60}
    (pack / "pack.yaml").write_text(yaml.safe_dump(meta))
    with pytest.raises(
        PackError, match=r"pack.yaml domains\[0\].weight: needs 0 < min <= max <= 100"
    ):
        load_pack(pack, today=TODAY)


def test_missing_pack_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(PackError, match=r"pack\.yaml: file not found"):
        load_pack(tmp_path, today=TODAY)


def with_bullets(pack: Path) -> None:
    """Give every minipack objective two outline bullets and tag every question with one."""
    meta = yaml.safe_load((pack / "pack.yaml").read_text())
    for domain in meta["domains"]:
        for objective in domain["objectives"]:
            oid = objective["id"]
            objective["bullets"] = [
                {"id": f"{oid}.a", "text": f"First bullet of {oid}"},
                {"id": f"{oid}.b", "text": f"Second bullet of {oid}"},
            ]
    meta["exam"]["outline_as_of"] = date(2026, 7, 27)
    meta["exam"]["outline_source"] = "https://learn.microsoft.com/en-us/credentials/x"
    (pack / "pack.yaml").write_text(yaml.safe_dump(meta, sort_keys=False))
    for path in (pack / "questions").glob("*.yaml"):
        questions = yaml.safe_load(path.read_text())
        for q in questions:
            q["bullets"] = [f"{q['objective']}.a"]
        path.write_text(yaml.safe_dump(questions, sort_keys=False))


def test_bullets_and_outline_date_load(tmp_path: Path) -> None:
    pack_dir = copy_pack(tmp_path)
    with_bullets(pack_dir)
    pack = load_pack(pack_dir, today=TODAY)
    assert pack.exam.outline_as_of == date(2026, 7, 27)
    assert pack.exam.outline_source == "https://learn.microsoft.com/en-us/credentials/x"
    assert list(pack.bullets()) == ["D1.1.a", "D1.1.b", "D1.2.a", "D1.2.b", "D2.1.a", "D2.1.b"]
    assert pack.objectives()["D1.2"].bullets[1].text == "Second bullet of D1.2"
    assert pack.question("q-01").bullets == ("D1.1.a",)


BROKEN_BULLETS = [
    ("unknown", lambda q: q.update(bullets=["D1.1.z"]), "unknown bullet(s) D1.1.z"),
    ("missing", lambda q: q.pop("bullets"), "must list the outline bullet id(s)"),
    ("empty", lambda q: q.update(bullets=[]), "must list the outline bullet id(s)"),
    ("twice", lambda q: q.update(bullets=["D1.1.a", "D1.1.a"]), "lists a bullet twice"),
]


@pytest.mark.parametrize(
    ("name", "change", "message"), BROKEN_BULLETS, ids=[b[0] for b in BROKEN_BULLETS]
)
def test_broken_question_bullets_are_reported(
    tmp_path: Path, name: str, change: Any, message: str
) -> None:
    pack = copy_pack(tmp_path)
    with_bullets(pack)
    edit_first_question(pack, change)
    with pytest.raises(PackError) as raised:
        load_pack(pack, today=TODAY)
    assert any(
        i.question_id == "q-01" and i.field == "bullets" and message in i.message
        for i in raised.value.issues
    ), [str(i) for i in raised.value.issues]


def test_bullets_on_a_pack_without_an_outline_are_refused(tmp_path: Path) -> None:
    pack = copy_pack(tmp_path)
    edit_first_question(pack, lambda q: q.update(bullets=["D1.1.a"]))
    with pytest.raises(PackError, match=r"\[q-01\] bullets: the pack lists no outline bullets"):
        load_pack(pack, today=TODAY)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda m: m["domains"][0]["objectives"][0]["bullets"][0].update(id="D1.2.a"),
            r"bullets\[0\].id: must be D1.1. and a letter",
        ),
        (
            lambda m: m["domains"][0]["objectives"][0]["bullets"][1].update(id="D1.1.a"),
            r"bullets\[1\].id: duplicate bullet id D1.1.a",
        ),
        (
            lambda m: m["domains"][0]["objectives"][0]["bullets"][0].pop("text"),
            r"bullets\[0\]: needs a non-empty id and text",
        ),
        (
            lambda m: m["exam"].update(outline_as_of="July 2026"),
            r"exam.outline_as_of: must be a date",
        ),
        (
            lambda m: m["exam"].update(outline_source="http://learn.microsoft.com/x"),
            r"exam.outline_source: must be an https:// URL",
        ),
    ],
    ids=["bullet prefix", "duplicate bullet", "bullet text", "outline date", "outline source"],
)
def test_broken_outline_metadata_is_reported(tmp_path: Path, change: Any, message: str) -> None:
    pack = copy_pack(tmp_path)
    with_bullets(pack)
    meta = yaml.safe_load((pack / "pack.yaml").read_text())
    change(meta)
    (pack / "pack.yaml").write_text(yaml.safe_dump(meta, sort_keys=False))
    with pytest.raises(PackError, match=message):
        load_pack(pack, today=TODAY)


def test_stats_count_questions_per_bullet_and_mark_thin_ones(tmp_path: Path) -> None:
    pack_dir = copy_pack(tmp_path)
    with_bullets(pack_dir)
    pack = load_pack(pack_dir, today=TODAY)
    stats = pack_stats(pack)
    assert stats.bullets == {
        "D1.1.a": 2,
        "D1.1.b": 0,
        "D1.2.a": 2,
        "D1.2.b": 0,
        "D2.1.a": 2,
        "D2.1.b": 0,
    }
    assert set(stats.thin_bullets) == set(stats.bullets)
    text = format_stats(pack, stats)
    assert "outline: skills measured as of 2026-07-27" in text
    assert "outline bullets: 0 of 6 have at least 3 questions" in text
    assert "D1.1.b             0  below 3  Second bullet of D1.1" in text
