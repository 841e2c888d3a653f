"""The kind of a checklist template item from the command line (issue 11): `sro reference add
checklist LABEL --kind K` sets it (without --kind, the label's guess, said so), `sro
reference kind checklist ID K` changes it (audited), `list` shows it; shifts opened
afterwards copy it. Both backends."""

from __future__ import annotations

from sro_tui.domain.enums import ChecklistKind
from sro_tui.domain.officers import Actor
from sro_tui.services.registry import Services

from .conftest import TEST_PASSWORD, RunCli


def _kind(services: Services, label: str) -> ChecklistKind:
    return next(i.kind for i in services.reference.template_items() if i.label == label)


def test_sro_reference_checklist_kind(
    db_url: str, services: Services, admin: Actor, officer: Actor, run_cli: RunCli
) -> None:
    signed = ("--as", admin.badge, "--password-stdin")
    stdin = f"{TEST_PASSWORD}\n"

    def cli(*words: str) -> tuple[int, str, str]:
        result = run_cli("--db", db_url, "reference", *words, *signed, stdin=stdin)
        return result.code, result.out, result.err

    code, out, err = cli("add", "checklist", "Walk the fence line", "--kind", "security")
    assert code == 0, err
    assert "kind security" in out and "from the label" not in out
    assert _kind(services, "Walk the fence line") is ChecklistKind.SECURITY

    code, out, err = cli("add", "checklist", "Gate duty at dismissal")
    assert code == 0, err
    assert "kind security (from the label; --kind to choose)" in out
    code, out, err = cli("add", "checklist", "Hallway walk")
    assert code == 0 and "kind other (from the label" in out

    hallway = next(i for i in services.reference.template_items() if i.label == "Hallway walk")
    code, out, err = cli("kind", "checklist", str(hallway.id), "security")
    assert code == 0, err
    assert "kind security" in out
    assert _kind(services, "Hallway walk") is ChecklistKind.SECURITY
    code, out, err = cli("kind", "checklist", str(hallway.id), "patrolling")
    assert code != 0 and "invalid choice" in err
    code, out, err = cli("add", "location", "X", "Y", "--kind", "security")
    assert code != 0 and "--kind" in err

    code, out, err = cli("list", "checklist")
    assert code == 0, err
    assert "KIND" in out
    line = next(row for row in out.splitlines() if row.endswith("Walk the fence line"))
    assert "security" in line.split()

    shift = services.checklist.open_shift(officer, services.reference.school_by_code("VHS").id)
    kinds = {item.label: item.kind for item in shift.items}
    assert kinds["Walk the fence line"] is ChecklistKind.SECURITY
    assert kinds["Hallway walk"] is ChecklistKind.SECURITY
