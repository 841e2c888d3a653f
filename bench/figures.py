"""The figures issue 16 names, measured for ``bench/run.py --json FILE``: each a list of
samples reduced to p50 / p95 in milliseconds (memory in MiB). Asserts nothing."""

from __future__ import annotations

import contextlib
import os
import pty
import re
import select
import signal
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

SEARCH_WORDS = [
    # rare to common, as the demo and bulk narratives have them, then prefixes as typed
    "zeppelin",
    "mediation",
    "knife",
    "marijuana",
    "bullying",
    "restroom",
    "camera",
    "witness",
    "parking",
    "counselor",
    "backpack",
    "teacher",
    "parent",
    "phone",
    "fight",
    "office",
    "hallway",
    "lunch",
    "called",
    "student",
]
PREFIXES = ["s", "st", "stu", "h", "ha", "hal", "p", "pa", "par"]


def ms(samples: list[float]) -> dict[str, float]:
    """p50 and p95 (nearest rank) of samples in seconds, as milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50": round(statistics.median(ordered) * 1000, 2),
        "p95": round(p95 * 1000, 2),
        "n": len(ordered),
    }


def sampled(action: Callable[[], Any], times: int) -> list[float]:
    action()  # warm: the first read of a cold cache is not what an officer feels twice
    runs = []
    for _ in range(times):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return runs


def list_open_ms(services: Any, officer: Any, supervisor: Any, times: int = 20) -> dict[str, Any]:
    lists: dict[str, Callable[[], Any]] = {
        "incidents_own": lambda: services.incidents.page(officer, scope="own"),
        "incidents_school": lambda: services.incidents.page(officer, scope="school"),
        "incidents_all": lambda: services.incidents.page(supervisor, scope="all"),
        "notes": lambda: services.notes.page(officer),
        "referrals": lambda: services.referrals.page(officer),
        "students": lambda: services.students.search(officer, ""),
        "review_queue": lambda: services.incidents.review_queue(supervisor),
        "audit": lambda: services.audit.page(supervisor),
    }
    found: dict[str, Any] = {}
    for name, action in lists.items():
        try:
            found[name] = ms(sampled(action, times))
        except Exception as exc:  # a service this store or version lacks: named, not fatal
            found[name] = {"error": repr(exc)[:200]}
    return found


def save_ms(services: Any, officer: Any, times: int = 200) -> dict[str, Any]:
    """200 new incidents, then 200 narrative updates of one (each a whole service call)."""
    from sro_tui.domain.incidents import IncidentCreate, IncidentUpdate

    school_id = officer.school_ids[0] if officer.school_ids else 1
    data = IncidentCreate(
        school_id=school_id,
        occurred_at=services.ctx.now() - timedelta(minutes=5),
        location_code="HALLWAY",
        narrative="Bench: a student was seen with a vape pen near the gym.",
    )
    creates: list[float] = []
    created = None
    for _ in range(times):
        start = time.perf_counter()
        created = services.incidents.create(officer, data)
        creates.append(time.perf_counter() - start)
    assert created is not None
    updates: list[float] = []
    version = created.version
    for n in range(times):
        update = IncidentUpdate(version=version, narrative=f"{data.narrative} More {n}.")
        start = time.perf_counter()
        saved = services.incidents.update(officer, created.id, update)
        updates.append(time.perf_counter() - start)
        version = saved.version
    return {"create": ms(creates), "update_narrative": ms(updates)}


def search_ms(services: Any, officer: Any, supervisor: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for label, actor in (("officer", officer), ("supervisor", supervisor)):
        words: list[float] = []
        prefixes: list[float] = []
        worst = ("", 0.0)
        for text in SEARCH_WORDS + PREFIXES:
            start = time.perf_counter()
            services.search.search(actor, text)
            elapsed = time.perf_counter() - start
            (words if text in SEARCH_WORDS else prefixes).append(elapsed)
            worst = max(worst, (text, elapsed), key=lambda pair: pair[1])
        found[label] = {
            "words": ms(words),
            "prefixes": ms(prefixes),
            "all": ms(words + prefixes),
            "worst": {"text": worst[0], "ms": round(worst[1] * 1000, 2)},
        }
    return found


def report_ms(services: Any, supervisor: Any, times: int = 3) -> dict[str, Any]:
    month = services.ctx.today().strftime("%Y-%m")
    school = services.reference.school_by_code("VHS").code
    runs: dict[str, Callable[[], Any]] = {
        "monthly_department": lambda: services.reports.monthly(supervisor, month=month),
        "monthly_school": lambda: services.reports.monthly(
            supervisor, month=month, school_code=school
        ),
        "monthly_officer": lambda: services.reports.monthly(
            supervisor, month=month, officer_badge="1001"
        ),
        "year_to_date": lambda: services.reports.year_to_date(supervisor),
    }
    found: dict[str, Any] = {}
    for name, action in runs.items():
        try:
            found[name] = ms(sampled(action, times))
        except Exception as exc:
            found[name] = {"error": repr(exc)[:200]}
    return found


def first_frame_ratio(pairs: int) -> dict[str, Any]:
    """scripts/bench_startup.py's measure: the sign-in screen's first frame in a pty beside
    an empty Textual app's, interleaved pairs, medians."""
    import subprocess

    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bench_startup.py"),
            "--json",
            "--pairs",
            str(pairs),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(__import__("json").loads(out.stdout))


# -- the real app in a pseudo-terminal, for its peak memory -------------------------------------

F_KEYS = {
    "f2": b"\x1bOQ",
    "f3": b"\x1bOR",
    "f4": b"\x1bOS",
    "f5": b"\x1b[15~",
    "f6": b"\x1b[17~",
    "f7": b"\x1b[18~",
    "f8": b"\x1b[19~",
}


def drive_app(url: str, audit_key: bytes, folder: Path, settle: float = 1.5) -> dict[str, Any]:
    """The real app (`sro --db URL`) in a 120x40 pty: sign in as 1001 (password demo), the
    school, Today, every area F3..F8, a search and the monthly report. For each step: the
    milliseconds from its keys written to the screen's title appearing in what the app wrote
    (its first frame; a list's rows may come in a later one), then ``settle`` seconds, then
    VmHWM of the process from /proc. One sample per step: a rough figure."""
    import fcntl
    import struct
    import termios

    key_file = folder / "bench-audit.key"
    key_file.write_bytes(audit_key)
    key_file.chmod(0o600)
    env = dict(os.environ, TERM="xterm-256color", SRO_AUDIT_KEY_FILE=str(key_file))
    argv = [sys.executable, "-c", "import sys; from sro_tui.cli import main; sys.exit(main())"]
    argv += ["--db", url]
    pid, fd = pty.fork()
    if pid == 0:  # the terminal's size set before the program starts, as a window's is
        fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        os.execvpe(argv[0], argv, env)

    def wait_for(marker: bytes, seconds: float, settle: float = settle) -> float | None:
        """Seconds until ``marker`` is written (None: not within ``seconds``), reading on."""
        start = time.perf_counter()
        seen = b""
        found: float | None = None
        end = start + seconds
        while (left := end - time.perf_counter()) > 0:
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            seen = seen[-len(marker) :] + chunk
            if found is None and marker and marker in seen:
                found = time.perf_counter() - start
                end = min(end, time.perf_counter() + settle)  # then settle, draining
        return found

    def hwm() -> float:
        status = Path(f"/proc/{pid}/status").read_text()
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        return round(int(match.group(1)) / 1024, 1) if match else 0.0

    def title(text: str) -> bytes:
        return f" \u00b7 {text}".encode()

    steps: list[tuple[str, bytes, bytes]] = [
        ("sign_in_screen", b"", b" Quit"),
        ("signed_in", b"1001\tdemo\r", title("Today's school")),
        ("today", b"\r", title("Today") + b" "),  # not "Today's school"
        ("f3", F_KEYS["f3"], title("Duty checklist")),
        ("f4", F_KEYS["f4"], title("Incidents")),
        ("f5", F_KEYS["f5"], title("Mentoring and contacts")),
        ("f6", F_KEYS["f6"], title("Referrals")),
        ("f7", F_KEYS["f7"], title("Students")),
        ("f8", F_KEYS["f8"], title("Reports")),
        ("search", b"\x06", title("Search")),
        ("search_typed", b"student", b""),
        ("report", b"\x1b" + F_KEYS["f8"] + b"m", b""),
    ]
    memory: dict[str, Any] = {}
    timings: dict[str, Any] = {}
    try:
        for name, keys, marker in steps:
            if keys:
                os.write(fd, keys)
            # The sign-in screen: then the store opens behind it (keys typed before are
            # refused), so it settles longer on a busy machine.
            took = wait_for(marker, 20.0 if marker else settle, settle * (4 if not keys else 1))
            if marker:
                timings[name] = round(took * 1000, 1) if took is not None else None
            memory[name] = hwm()
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    memory["peak"] = max(memory.values())
    return {"rss_mib": memory, "key_to_title_ms": timings}


# -- key sent -> screen fully drawn, in a real pseudo-terminal ----------------------------------


def key_to_screen_ms(url: str, audit_key: bytes, folder: Path, rounds: int = 3) -> dict[str, Any]:
    """scripts/bench_screens.py's measure (key written -> the last drawing write before 0.3 s
    of quiet: the screen fully drawn, its rows included), for F2-F8 (opening, then returning),
    PageDown, the student type-ahead and search per key, the monthly report, and ctrl+n ->
    ctrl+s on a quick incident; beside a plain Textual app's screen switch and key echo in the
    same run. p50 / p95 per step, and ``first`` (the first write) p50."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_screens", ROOT / "scripts" / "bench_screens.py"
    )
    assert spec is not None and spec.loader is not None
    screens = importlib.util.module_from_spec(spec)
    sys.modules["bench_screens"] = screens  # its dataclasses look their module up
    spec.loader.exec_module(screens)
    step, title = screens.Step, screens.title

    size = (120, 40)
    found: dict[str, Any] = {}
    reference = screens.Term.start([sys.executable, "-c", screens.REFERENCE_APP], size, 0.3)
    try:
        reference.read_until(b"SRO-2026-000000", 30)
        reference.drain(1.0)
        found["empty_textual_app"] = screens.summarize(
            screens.run(reference, screens.reference_steps(), rounds)
        )
    finally:
        reference.stop()

    key_file = folder / "bench-screens-audit.key"
    key_file.write_bytes(audit_key)
    key_file.chmod(0o600)
    code = folder / "sro_no_blink.py"
    code.write_text(screens.SRO_CODE)
    with _audit_key_file(key_file):
        term = screens.Term.start([sys.executable, str(code), "--db", url], size, 0.3)
    steps = [
        step("F3 checklist", F_KEYS["f3"], title("Duty checklist")),
        step("F2 today", F_KEYS["f2"], title("Today") + b" "),
        *screens.app_steps("garc"),
        step("ctrl+n quick incident", b"\x0e", b"What happened"),
        *[step("type-ahead key (quick incident)", ch, settle=0.3) for ch in (b"t", b"r", b"e")],
        step("enter (category)", b"\r"),
        step("tab", b"\t"),
        step("narrative key", b"B"),
        # The form closes on saving; its toast goes 5 s later (a redraw not to time).
        step("ctrl+s saved", b"\x13", b"saved", settle=5.5),
    ]
    try:
        screens.sign_in(term, "1001", 6.0)
        found["sro_tui"] = screens.summarize(screens.run(term, steps, rounds))
        term.quit()
    finally:
        term.stop()
    # First openings pressed at once after sign-in, before the app has made any area ahead.
    with _audit_key_file(key_file):
        term = screens.Term.start([sys.executable, str(code), "--db", url], size, 0.3)
    try:
        screens.sign_in(term, "1001", 6.0, on_today=0.0)
        at_once = [s for s in screens.app_steps("garc") if s.marker and s.name != "F4 incidents"]
        at_once.insert(0, screens.app_steps("garc")[0])
        found["sro_tui_areas_opened_at_once"] = screens.summarize(screens.run(term, at_once, 1))
        term.quit()
    finally:
        term.stop()
    return found


@contextlib.contextmanager
def _audit_key_file(key_file: Path) -> Iterator[None]:
    """The app's audit key (SRO_AUDIT_KEY_FILE) for a process started inside."""
    before = os.environ.get("SRO_AUDIT_KEY_FILE")
    os.environ["SRO_AUDIT_KEY_FILE"] = str(key_file)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SRO_AUDIT_KEY_FILE", None)
        else:
            os.environ["SRO_AUDIT_KEY_FILE"] = before
