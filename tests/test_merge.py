"""The field-by-field merge of kept typing with a record saved elsewhere (domain.merge)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sro_tui.domain.merge import MergeField, Side, differences, merge

FIELDS = (
    MergeField("when", "When"),
    MergeField("location", "Where", along=("location_text",)),
    MergeField("students", "Students", compare=lambda rows: [r[0] for r in rows or []]),
    MergeField("narrative", "Narrative"),
)

MINE: dict[str, Any] = {
    "version": 1,
    "when": "2026-12-02 09:00",
    "location": "GYM",
    "location_text": "Gym",
    "students": [[4, "Garcia, Maria", "VHS 10"]],
    "narrative": "Mine, typed for an hour",
}
OTHER: dict[str, Any] = {
    "version": 3,
    "when": "2026-12-02 09:00",
    "location": "LOT",
    "location_text": "Parking lot",
    "students": [[4, "Garcia, M.", ""]],  # the same student, shown otherwise
    "narrative": "Changed on the other terminal",
}


def test_only_the_fields_that_differ_in_form_order() -> None:
    found = differences(MINE, OTHER, FIELDS)
    assert [d.key for d in found] == ["location", "narrative"]
    assert (found[1].mine, found[1].other) == (MINE["narrative"], OTHER["narrative"])
    assert found[0].field.label == "Where"


def test_a_missing_key_counts_as_none() -> None:
    found = differences({"when": "x"}, {}, FIELDS)
    assert [(d.key, d.mine, d.other) for d in found] == [("when", "x", None)]
    assert differences({}, {"when": None}, FIELDS) == []


def test_merge_takes_the_chosen_fields_with_what_goes_along() -> None:
    merged = merge(MINE, OTHER, FIELDS, {"location": Side.OTHER, "narrative": Side.MINE})
    assert merged["location"] == "LOT" and merged["location_text"] == "Parking lot"
    assert merged["narrative"] == MINE["narrative"]
    # Fields not offered keep the officer's content (the version is the form's business).
    assert merged["version"] == 1 and merged["students"] == MINE["students"]
    assert MINE["location"] == "GYM"  # the inputs are left alone


def test_all_other_gives_the_record_as_saved_elsewhere() -> None:
    choices = {d.key: Side.OTHER for d in differences(MINE, OTHER, FIELDS)}
    merged = merge(MINE, OTHER, FIELDS, choices)
    assert differences(merged, OTHER, FIELDS) == []


values = st.one_of(st.none(), st.text(max_size=5), st.integers(-3, 3))
contents = st.fixed_dictionaries({f.key: values for f in FIELDS if not f.along})


@given(contents, contents, st.data())
def test_each_chosen_side_wins_its_field(
    mine: dict[str, Any], other: dict[str, Any], data: st.DataObject
) -> None:
    plain = [f for f in FIELDS if not f.along and f.key != "students"]
    found = differences(mine, other, plain)
    choices = {d.key: data.draw(st.sampled_from(list(Side))) for d in found}
    merged = merge(mine, other, plain, choices)
    for spec in plain:
        side = choices.get(spec.key, Side.MINE)
        expected = other if side is Side.OTHER else mine
        assert merged.get(spec.key) == expected.get(spec.key)
