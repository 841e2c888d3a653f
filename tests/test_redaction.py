"""Juvenile redaction (WIC 827): pure functions, tricky names."""

from __future__ import annotations

from sro_tui.domain.redaction import RedactionPerson, redactor_for

MARIA = RedactionPerson(key=1, student_id=10, first_name="Maria", last_name="Lopez")
JOSE = RedactionPerson(key=2, student_id=11, first_name="José", last_name="Lopez")
ANA = RedactionPerson(key=3, student_id=12, first_name="Ana", last_name="Reyes")
MOTHER = RedactionPerson(key=4, first_name="Rosa", last_name="Lopez", juvenile=False)
KEVIN = RedactionPerson(key=5, student_id=13, first_name="Kevin", last_name="O'Brien")


def test_other_juveniles_are_labelled_in_the_people_list() -> None:
    people = [MARIA, JOSE, ANA, MOTHER]
    redactor = redactor_for(people, keep_student_id=10)
    assert [redactor.name(p) for p in people] == [
        "Maria Lopez",
        "[JUVENILE 2]",
        "[JUVENILE 3]",
        "Rosa Lopez",  # an adult keeps her name
    ]


def test_narrative_names_case_possessive_and_substrings() -> None:
    people = [MARIA, ANA, KEVIN]
    text = (
        "ANA reyes pushed Maria. Maria's bag fell; Reyes, Ana said sorry. "
        "Banana peel in Anaheim; Ana's friend Ana-Lucia watched. Kevin O\u2019Brien ran. "
        "Analysis by the counselor."
    )
    redacted = redactor_for(people, keep_student_id=10).text(text)
    assert redacted == (
        "[JUVENILE 2] pushed Maria. Maria's bag fell; [JUVENILE 2] said sorry. "
        "Banana peel in Anaheim; [JUVENILE 2]'s friend Ana-Lucia watched. [JUVENILE 3] ran. "
        "Analysis by the counselor."
    )


def test_accents_fold_both_ways() -> None:
    redactor = redactor_for([MARIA, JOSE], keep_student_id=10)
    assert redactor.text("Jose and JOSÉ and Jose\u0301 met Maria") == (
        "[JUVENILE 2] and [JUVENILE 2] and [JUVENILE 2] met Maria"
    )


def test_shared_last_name_is_kept_alone_but_full_name_is_redacted() -> None:
    """Siblings: the kept student's last name is not a safe word to remove on its own."""
    redactor = redactor_for([MARIA, JOSE, MOTHER], keep_student_id=10)
    text = "José Lopez hit his sister Maria Lopez; Lopez family called. Lopez,  José left."
    assert redactor.text(text) == (
        "[JUVENILE 2] hit his sister Maria Lopez; Lopez family called. [JUVENILE 2] left."
    )


def test_a_name_shared_by_two_redacted_juveniles_gets_the_generic_label() -> None:
    twin_a = RedactionPerson(key=6, student_id=20, first_name="Luis", last_name="Diaz")
    twin_b = RedactionPerson(key=7, student_id=21, first_name="Leo", last_name="Diaz")
    redactor = redactor_for([MARIA, twin_a, twin_b], keep_student_id=10)
    assert redactor.text("Luis and Leo Diaz; the Diaz boys") == (
        "[JUVENILE 2] and [JUVENILE 3]; the [JUVENILE] boys"
    )


def test_keep_by_person_row_and_inline_names() -> None:
    inline = RedactionPerson.from_name(8, "Tyler Smith-Jones", juvenile=True)
    adult = RedactionPerson.from_name(9, "Mr. Gray", juvenile=False)
    people = [MARIA, inline, adult]
    redactor = redactor_for(people, keep_person_id=8)
    assert [redactor.name(p) for p in people] == [
        "[JUVENILE 2]",
        "Tyler Smith-Jones",
        "Mr. Gray",
    ]
    assert redactor.text("Maria told Mr. Gray that Tyler Smith-Jones left") == (
        "[JUVENILE 2] told Mr. Gray that Tyler Smith-Jones left"
    )
    other = redactor_for(people, keep_student_id=10)
    assert other.text("Smith-Jones and Tyler; Smith alone; Jones") == (
        "[JUVENILE 2] and [JUVENILE 2]; Smith alone; Jones"
    )


def test_same_student_twice_gets_one_label_and_no_target_means_no_redaction() -> None:
    ana_as_witness = ANA.model_copy(update={"key": 30})
    redactor = redactor_for([MARIA, ANA, ana_as_witness, JOSE], keep_student_id=10)
    assert redactor.name(ANA) == redactor.name(ana_as_witness) == "[JUVENILE 2]"
    assert redactor.name(JOSE) == "[JUVENILE 3]"
    none = redactor_for([MARIA, ANA])
    assert not none.active and none.text("Ana and Maria") == "Ana and Maria"


def test_one_letter_names_and_empty_text() -> None:
    initial = RedactionPerson(key=40, student_id=40, first_name="J", last_name="Park")
    redactor = redactor_for([MARIA, initial], keep_student_id=10)
    assert redactor.text("J said a J-turn; J Park and Park left") == (
        "J said a J-turn; [JUVENILE 2] and [JUVENILE 2] left"
    )
    assert redactor.text("") == ""
