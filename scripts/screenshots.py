"""Save SVG screenshots of the app's screens into ``screenshots/`` (shown in the README).

The screens are the scenarios of ``tests/scenarios.py``, the same ones the snapshot tests
(``tests/test_snapshots.py``) check, so the pictures and the snapshots cannot drift apart. The
demo store is seeded once in a temporary folder (``services.demo`` at scale 1, a fixed clock: a
Monday morning in September); every picture starts the real app afresh over a copy of it, signs
in (1001 / demo, or the supervisor 2001), drives it with Textual's test pilot to the screen and
saves it once the screen's workers are done; nothing sleeps. So the pictures only change when
the screens do.

Every scenario is saved at 100x30 as ``<name>.svg``; the main ones also at 80x24 as
``<name>-80x24.svg``, every one with ``--all-sizes``. ``--only NAME`` (repeatable) saves just
those scenarios.

    .venv/bin/python scripts/screenshots.py [--out screenshots] [--all-sizes] [--only today]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # for tests.scenarios, when run as a script

from tests.scenarios import (  # noqa: E402
    BY_NAME,
    SCENARIOS,
    Scenario,
    ScenarioError,
    build_demo_template,
    make_app,
    open_demo_store,
)

SIZES = {"": (100, 30), "-80x24": (80, 24)}


async def shoot(scenario: Scenario, template: Path, work: Path, out: Path, suffix: str) -> Path:
    """Run one scenario on a fresh copy of the demo store and save its picture."""
    services = open_demo_store(template, work / f"{scenario.name}{suffix}.db")
    try:
        app = make_app(services)
        async with app.run_test(size=SIZES[suffix]) as pilot:
            await scenario.run(pilot)
            filename = f"{scenario.name}{suffix}.svg"
            app.save_screenshot(filename, path=str(out))
    finally:
        services.close()
    return out / filename


async def main(out: Path, all_sizes: bool = False, only: list[str] | None = None) -> int:
    unknown = sorted(set(only or ()) - set(BY_NAME))
    if unknown:
        print(f"no such scenario: {', '.join(unknown)}", file=sys.stderr)
        return 2
    chosen = [s for s in SCENARIOS if not only or s.name in only]
    out.mkdir(parents=True, exist_ok=True)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template = build_demo_template(work / "template.db")
        for suffix in SIZES:
            for scenario in chosen:
                if suffix and not (all_sizes or scenario.main):
                    continue
                try:
                    print(await shoot(scenario, template, work, out, suffix))
                except ScenarioError as error:
                    failed += 1
                    print(f"{scenario.name}{suffix}: {error}: picture skipped", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument(
        "--all-sizes", action="store_true", help="every screen at 80x24 too, not just the main ones"
    )
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="just this scenario (repeatable)"
    )
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.out, args.all_sizes, args.only)))
