"""Every input schema of the domain against random input: text with NUL, lone surrogates and
control characters, huge strings, wrong types. Only pydantic's ValidationError may come out,
and field_errors() turns it into messages that name the field."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
import typing
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

import sro_tui.domain
from sro_tui.domain.base import Schema
from sro_tui.domain.checklist import ItemNote, OneOffItem, SkipItem
from sro_tui.domain.incidents import IncidentCreate, PersonIn, SupplementCreate
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import OfficerCreate
from sro_tui.domain.students import StudentCreate
from sro_tui.domain.text import Line, RequiredLine, Text, visible, visible_pieces
from sro_tui.domain.validation import field_errors, first_message


def input_schemas() -> list[type[Schema]]:
    """Every create/update (input) schema in sro_tui.domain, found by walking the package."""
    found: dict[str, type[Schema]] = {}
    for info in pkgutil.iter_modules(sro_tui.domain.__path__):
        module = importlib.import_module(f"sro_tui.domain.{info.name}")
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, Schema)
                and obj is not Schema
                and obj.__module__ == module.__name__
            ):
                found[f"{info.name}.{obj.__name__}"] = obj
    return [found[name] for name in sorted(found)]


SCHEMAS = input_schemas()

# --- strategies ------------------------------------------------------------------------------

NASTY_CHARACTERS = st.sampled_from(
    [
        *("\x00", "\ud800", "\udfff", "\x07", "\x1b", "\x7f", "\x85", "\n", "\t", "\r", "\r\n"),
        *("\u202e", "\ufeff", "\u200b", "é", "👮", " ", "-", "'", '"', ";", "%", "_"),
    ]
)
ANY_CHARACTER = st.characters(exclude_categories=())  # surrogates included
NASTY_TEXT = st.one_of(
    st.text(ANY_CHARACTER, max_size=40),
    st.lists(st.one_of(NASTY_CHARACTERS, ANY_CHARACTER), max_size=30).map("".join),
    st.sampled_from(["", " ", "1001", "VHS", "SRO-2026-000001", "2026-09-14", "10:40", "t"]),
    st.sampled_from(["x" * 201, "y" * 100_001, "\n" * 100_001, "é" * 5_000, "\x00" * 1_000]),
)
WRONG_TYPES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.binary(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.dates(),
    st.datetimes(),
    st.just(object()),
)
TIMEZONES = st.one_of(st.none(), st.just(UTC), st.timezones())
EAST, WEST = timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))
EDGE_MOMENTS = st.sampled_from(
    [
        datetime.min,
        datetime.max,
        datetime.min.replace(tzinfo=EAST),
        datetime.max.replace(tzinfo=WEST),
        datetime(2026, 3, 8, 2, 30),  # a local time that does not exist in Ventura
    ]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | NASTY_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NASTY_TEXT, inner, max_size=3),
    max_leaves=8,
)


def plausible(annotation: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of roughly the right type (so deeper validators run), nasty where it can be."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return plausible(get_args(annotation)[0], depth)
    if origin in (Union, types.UnionType):
        return st.one_of([plausible(arg, depth) for arg in get_args(annotation)])
    if origin is Literal:
        return st.sampled_from(get_args(annotation))
    if origin in (list, tuple, set, frozenset):
        args = [a for a in get_args(annotation) if a is not Ellipsis] or [Any]
        return st.lists(plausible(args[0], depth + 1), max_size=4)
    if origin is dict:
        return st.dictionaries(NASTY_TEXT, JSON, max_size=4)
    if annotation is type(None):
        return st.none()
    if annotation is Any:
        return JSON
    if inspect.isclass(annotation):
        if issubclass(annotation, Enum):
            return st.sampled_from(list(annotation)) | st.sampled_from(
                [member.value for member in annotation]
            )
        if issubclass(annotation, BaseModel):
            if depth > 2:
                return st.just({})
            return model_input(annotation, depth + 1)
        if issubclass(annotation, bool):
            return st.booleans()
        if issubclass(annotation, int):
            return st.integers(min_value=-(2**40), max_value=2**40) | st.integers(0, 60)
        if issubclass(annotation, datetime):
            return st.datetimes(timezones=TIMEZONES) | EDGE_MOMENTS
        if issubclass(annotation, date):
            return st.dates() | st.sampled_from([date.min, date.max, date(9999, 12, 20)])
        if issubclass(annotation, str):
            return NASTY_TEXT
    return WRONG_TYPES


def model_input(model: type[BaseModel], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """Mostly every required field given (so the model's own rules run), sometimes not."""
    hints = typing.get_type_hints(model, include_extras=True)
    fields = {
        name: st.one_of(
            plausible(hints.get(name, info.annotation), depth),
            plausible(hints.get(name, info.annotation), depth),
            WRONG_TYPES,
        )
        for name, info in model.model_fields.items()
    }
    required = {n: v for n, v in fields.items() if model.model_fields[n].is_required()}
    optional = {n: v for n, v in fields.items() if n not in required}
    known = st.one_of(
        st.fixed_dictionaries(required, optional=optional),
        st.fixed_dictionaries({}, optional=fields),
    )
    extra = st.dictionaries(
        st.sampled_from(["id", "officer_id", "unknown"]), WRONG_TYPES, max_size=1
    )
    return st.builds(lambda given, more: {**given, **more}, known, extra)


# --- the property ----------------------------------------------------------------------------


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.__name__)
@given(data=st.data())
def test_random_input_gives_validation_errors_only(
    schema: type[Schema], data: st.DataObject
) -> None:
    values = data.draw(model_input(schema), label="input")
    try:
        schema.model_validate(values)
    except ValidationError as exc:
        errors = field_errors(exc, schema)
        assert errors
        for error in errors:
            assert error.message.strip()
            assert "\n" not in str(error)
            if error.field in schema.model_fields:
                title = schema.model_fields[error.field].title
                assert title and str(error).startswith(title)
            else:
                assert error.field in ("form", *[n for n in values if n not in schema.model_fields])
        assert first_message(exc, schema)


def test_every_input_schema_was_found() -> None:
    names = {schema.__name__ for schema in SCHEMAS}
    assert {
        "IncidentCreate",
        "IncidentUpdate",
        "NoteCreate",
        "ReferralCreate",
        "StudentCreate",
        "OfficerCreate",
        "SkipItem",
        "DraftSave",
    } <= names


def test_every_field_has_a_title() -> None:
    """Messages start with the field's title, so every input field needs one."""
    untitled = [
        f"{schema.__name__}.{name}"
        for schema in SCHEMAS
        for name, info in schema.model_fields.items()
        if not info.title
    ]
    assert untitled == []


# --- Line and Text ---------------------------------------------------------------------------

LINE = TypeAdapter(Line)
REQUIRED_LINE = TypeAdapter(RequiredLine)
TEXT = TypeAdapter(Text)
REFUSED_EVERYWHERE = ["\x00", "\ud800", "\udc00", "\x07", "\x1b", "\x7f", "\x85", "\x0b", "\x0c"]


@pytest.mark.parametrize("bad", REFUSED_EVERYWHERE)
def test_line_and_text_refuse_what_no_store_holds(bad: str) -> None:
    for adapter in (LINE, REQUIRED_LINE, TEXT):
        with pytest.raises(ValidationError) as info:
            adapter.validate_python(f"before{bad}after")
        [error] = field_errors(info.value)
        assert error.message.startswith("contains")
        assert error.message.endswith("please retype it")


@pytest.mark.parametrize("separator", ["\n", "\t", "\r\n", "\r"])
def test_newline_and_tab_in_text_only(separator: str) -> None:
    value = f"first{separator}second"
    assert TEXT.validate_python(value) == value.replace("\r\n", "\n").replace("\r", "\n")
    for adapter in (LINE, REQUIRED_LINE):
        with pytest.raises(ValidationError, match=r"line break or tab|control character"):
            adapter.validate_python(value)


def test_lines_are_trimmed_and_limited() -> None:
    assert LINE.validate_python("  Ana Ruiz \t") == "Ana Ruiz"
    assert LINE.validate_python("") == ""
    with pytest.raises(ValidationError):
        REQUIRED_LINE.validate_python("   ")
    with pytest.raises(ValidationError):
        LINE.validate_python("x" * 201)
    with pytest.raises(ValidationError):
        TEXT.validate_python("x" * 100_001)


@pytest.mark.parametrize(
    ("schema", "values", "field", "title"),
    [
        (OfficerCreate, {"badge": "1001", "name": "Ana\x00Ruiz"}, "name", "Name"),
        (
            StudentCreate,
            {"district_id": "1", "first_name": "A", "last_name": "B\ud800"},
            "last_name",
            "Last name",
        ),
        (SkipItem, {"reason": "court\ttoday"}, "reason", "Reason"),
        (OneOffItem, {"label": "Extra\x1bpatrol"}, "label", "Item"),
        (ItemNote, {"note": "ok\x00"}, "note", "Note"),
        (SupplementCreate, {"text": "late \ud83d entry"}, "text", "Supplement"),
        (
            NoteCreate,
            {"kind": "staff contact", "occurred_at": "2026-09-14T10:00:00Z", "topics": "a\nb"},
            "topics",
            "Topics",
        ),
        (
            IncidentCreate,
            {
                "school_id": 1,
                "occurred_at": "2026-09-14T10:00:00Z",
                "location_code": "GYM",
                "narrative": "He said \x00",
            },
            "narrative",
            "Narrative",
        ),
    ],
)
def test_messages_name_the_field(
    schema: type[Schema], values: dict[str, Any], field: str, title: str
) -> None:
    with pytest.raises(ValidationError) as info:
        schema.model_validate(values)
    errors = field_errors(info.value, schema)
    assert [e.field for e in errors] == [field]
    assert str(errors[0]).startswith(f"{title} contains")
    assert first_message(info.value, schema) == str(errors[0])


def test_multiline_text_keeps_newlines_and_tabs() -> None:
    note = NoteCreate(
        kind="staff contact",
        occurred_at=datetime(2026, 9, 14, 17, tzinfo=UTC),
        text="Line one\r\n\tindented\rline three",
    )
    assert note.text == "Line one\n\tindented\nline three"


def test_nested_errors_name_the_outer_field() -> None:
    with pytest.raises(ValidationError) as info:
        IncidentCreate.model_validate(
            {
                "school_id": 1,
                "occurred_at": "2026-09-14T10:00:00Z",
                "location_code": "GYM",
                "people": [{"role": "witness", "name": "A\x00"}],
            }
        )
    errors = field_errors(info.value, IncidentCreate)
    assert [e.field for e in errors] == ["people"]
    assert str(errors[0]).startswith("People")
    with pytest.raises(ValidationError):
        PersonIn(role="suspect")  # neither a student nor a name


# --- names, line separators, and how stored text is shown ------------------------------------

DIRECTION_CONTROLS = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


@pytest.mark.parametrize("bad", DIRECTION_CONTROLS)
@pytest.mark.parametrize(
    ("schema", "values", "field", "title"),
    [
        (OfficerCreate, {"badge": "1001", "name": "Ana {} Ruiz"}, "name", "Name"),
        (
            StudentCreate,
            {"district_id": "1", "first_name": "A{}", "last_name": "B"},
            "first_name",
            "First name",
        ),
        (
            StudentCreate,
            {"district_id": "1", "first_name": "A", "last_name": "{}B"},
            "last_name",
            "Last name",
        ),
        (PersonIn, {"role": "witness", "name": "Mr {}X"}, "name", "Name"),
    ],
)
def test_names_refuse_text_direction_controls(
    schema: type[Schema], values: dict[str, Any], field: str, title: str, bad: str
) -> None:
    filled = {k: v.format(bad) if isinstance(v, str) else v for k, v in values.items()}
    with pytest.raises(ValidationError) as info:
        schema.model_validate(filled)
    [error] = field_errors(info.value, schema)
    assert error.field == field
    assert str(error) == (
        f"{title} contains a text-direction control character (U+{ord(bad):04X}); please retype it"
    )


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_one_line_fields_and_names_refuse_line_and_paragraph_separators(separator: str) -> None:
    for adapter in (LINE, REQUIRED_LINE):
        with pytest.raises(ValidationError, match=r"line or paragraph separator"):
            adapter.validate_python(f"first{separator}second")
    with pytest.raises(ValidationError) as info:
        StudentCreate(district_id="1", first_name=f"A{separator}B", last_name="C")
    assert str(field_errors(info.value, StudentCreate)[0]).startswith("First name contains a line")
    assert TEXT.validate_python(f"first{separator}second") == f"first{separator}second"


def test_names_keep_what_real_names_have() -> None:
    student = StudentCreate(district_id="1", first_name="José-María", last_name="O'Neil [sic]")
    assert (student.first_name, student.last_name) == ("José-María", "O'Neil [sic]")
    hebrew = StudentCreate(district_id="2", first_name="\u05d3\u05e0\u05d4", last_name="Cohen")
    assert hebrew.first_name == "דנה"
    # Other one-line text may carry a direction control (it is shown visibly on screen).
    assert LINE.validate_python("a\u202eb") == "a\u202eb"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("[/] [x] [bold red]red[/]", "[/] [x] [bold red]red[/]"),
        ("\x1b]0;x\x07", "\\x1b]0;x\\x07"),
        ("a\u202eb\u2066c\u2069", "a⟨U+202E⟩b⟨U+2066⟩c⟨U+2069⟩"),
        ("\u200e\u200f\u2028\u2029\x85\x7f", "⟨U+200E⟩⟨U+200F⟩⟨U+2028⟩⟨U+2029⟩\\x85\\x7f"),
        ("one\ntwo\tthree  four", "one two three  four"),
        ("\r", "\\x0d"),
        ("José 👮", "José 👮"),
    ],
)
def test_stored_text_is_shown_with_hidden_characters_visible(stored: str, shown: str) -> None:
    assert visible(stored) == shown
    plain = "".join(piece for piece, hidden in visible_pieces(stored) if not hidden)
    assert all(ch.isprintable() or ch == " " for ch in plain)


def test_many_lines_keep_their_breaks_and_tabs() -> None:
    assert visible("one\ntwo\tthree\x1b", multiline=True) == "one\ntwo\tthree\\x1b"
