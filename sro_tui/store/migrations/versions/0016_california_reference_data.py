"""California reference data and the incident's bias motivation (issue 11 item 7).

incidents.bias_motivation (a BiasMotivation value; existing reports "none", NIBRS 88).

Reference data of an existing store carried forward to ``sro_tui/data/reference.json``:
locations get their NIBRS location codes (every one was 53; Online is 58 Cyberspace, the
parking lot 18, bus / bus stop 13, an off-campus event 25: FBI NIBRS User Manual 2023, data
element 9); GANG and BULLYING, coded "13C/90Z", get one code each (13C Intimidation, the
reading their criminal flag and name gave; the other readings are new categories GANG-ACT,
not a crime, and HARASSMENT, 90Z); THREAT names 48900.7, PC 422 and PC 71 too; DRUG-UI and
ALCOHOL call for the EC 48902 notice; the missing California categories and two locations
are added. A value is corrected only while it is still the one seeded before (an agency's own
edit stays), and no row is removed (reports keep pointing at theirs). A store with no
reference data yet (a new one) gets nothing here: ``seed_reference`` fills it after the
upgrade from reference.json.

The data below is a frozen copy (a later change of reference.json must not change what this
migration did).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 07:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# (code, column, value seeded before, value now)
CORRECTIONS: list[tuple[str, str, str, str]] = [
    ("GANG", "nibrs", "13C/90Z", "13C"),
    ("GANG", "name", "Gang activity / intimidation", "Gang intimidation"),
    ("BULLYING", "nibrs", "13C/90Z", "13C"),
    (
        "BULLYING",
        "name",
        "Bullying / harassment (incl. online)",
        "Bullying / cyberbullying (intimidation)",
    ),
    ("THREAT", "ed_code", "48900.4, EC 49393", "48900.4, 48900.7, EC 49393, PC 422, PC 71"),
    ("DRUG-UI", "compliance", "", "ec48902"),
    ("ALCOHOL", "compliance", "", "ec48902"),
]

# (code, name, nibrs, ed_code, severity, criminal, compliance)
NEW_CATEGORIES: list[tuple[str, str, str, str, int, bool, str]] = [
    ("GANG-ACT", "Gang activity, no crime (signs, colors, recruiting)", "", "", 35, False, ""),
    ("HARASSMENT", "Harassment, no threat (incl. online)", "90Z", "48900.4", 45, True, ""),
    ("ROBBERY", "Robbery", "120", "48900(e), PC 211", 88, True, ""),
    ("EXTORTION", "Extortion", "210", "48900(e), PC 518", 70, True, ""),
    ("SEX-ASSAULT", "Sexual assault: rape", "11A", "48900(n), PC 261", 99, True, "pc11166"),
    (
        "SEX-SODOMY",
        "Sexual assault: sodomy / oral copulation",
        "11B",
        "48900(n), PC 286, 287",
        98,
        True,
        "pc11166",
    ),
    ("SEX-OBJECT", "Sexual assault with an object", "11C", "48900(n), PC 289", 98, True, "pc11166"),
    ("SEX-BATTERY", "Sexual battery / fondling", "11D", "48900(n), PC 243.4", 86, True, "pc11166"),
    ("SEX-HARASS", "Sexual harassment", "", "48900.2", 50, False, ""),
    (
        "HATE",
        "Hate violence (add the offense too; set the bias)",
        "",
        "48900.3, PC 422.6",
        85,
        True,
        "",
    ),
    ("IMITATION", "Imitation firearm", "90Z", "48900(m), PC 12556", 60, True, ""),
    (
        "EXPLOSIVE",
        "Explosive / destructive device",
        "520",
        "48900(b), 48915(c)(5), PC 18710",
        96,
        True,
        "gfsa ec48902",
    ),
    (
        "BOMB-THREAT",
        "Bomb threat / false report of a bomb",
        "90Z",
        "48900.7, PC 148.1",
        80,
        True,
        "ec49393",
    ),
    ("ARSON", "Arson", "200", "48900(f), PC 451", 85, True, ""),
    ("BURGLARY", "Burglary", "220", "48900(g), PC 459", 70, True, ""),
    ("HAZING", "Hazing", "90Z", "48900(q), PC 245.6", 60, True, ""),
    ("OBSCENE", "Obscene act / habitual profanity or vulgarity", "", "48900(i)", 20, False, ""),
    ("STOLEN-PROP", "Receiving stolen property", "280", "48900(l), PC 496", 45, True, ""),
    ("CHILD-ABUSE", "Suspected child abuse or neglect", "", "PC 11166", 90, True, "pc11166"),
]

# Every location was seeded with the column's default, 53 (School-Elementary/Secondary).
LOCATION_CODES = {"PARKING": "18", "BUS": "13", "EVENT": "25", "ONLINE": "58"}
NEW_LOCATIONS = [
    ("STREET", "Street / sidewalk near campus", "13"),
    ("RESIDENCE", "Residence / home", "20"),
]

categories = sa.table(
    "offense_categories",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("nibrs", sa.String),
    sa.column("ed_code", sa.String),
    sa.column("severity", sa.Integer),
    sa.column("criminal", sa.Boolean),
    sa.column("compliance", sa.String),
    sa.column("position", sa.Integer),
    sa.column("active", sa.Boolean),
)
locations = sa.table(
    "locations",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("nibrs_location", sa.String),
    sa.column("position", sa.Integer),
    sa.column("active", sa.Boolean),
)


def upgrade() -> None:
    op.add_column(
        "incidents",
        sa.Column("bias_motivation", sa.String(length=40), server_default="none", nullable=False),
    )
    bind = op.get_bind()
    if bind.scalar(sa.select(sa.func.count()).select_from(categories)):
        for code, column, before, now in CORRECTIONS:
            bind.execute(
                categories.update()
                .where(categories.c.code == code, categories.c[column] == before)
                .values({column: now})
            )
        have = set(bind.scalars(sa.select(categories.c.code)))
        position = bind.scalar(sa.select(sa.func.max(categories.c.position))) or 0
        for code, name, nibrs, ed_code, severity, criminal, compliance in NEW_CATEGORIES:
            if code in have:
                continue  # the agency made one with this code: theirs stays
            position += 1
            bind.execute(
                categories.insert().values(
                    code=code,
                    name=name,
                    nibrs=nibrs,
                    ed_code=ed_code,
                    severity=severity,
                    criminal=criminal,
                    compliance=compliance,
                    position=position,
                    active=True,
                )
            )
    if bind.scalar(sa.select(sa.func.count()).select_from(locations)):
        for code, nibrs in LOCATION_CODES.items():
            bind.execute(
                locations.update()
                .where(locations.c.code == code, locations.c.nibrs_location == "53")
                .values(nibrs_location=nibrs)
            )
        have = set(bind.scalars(sa.select(locations.c.code)))
        position = bind.scalar(sa.select(sa.func.max(locations.c.position))) or 0
        for code, name, nibrs in NEW_LOCATIONS:
            if code not in have:
                position += 1
                bind.execute(
                    locations.insert().values(
                        code=code,
                        name=name,
                        nibrs_location=nibrs,
                        position=position,
                        active=True,
                    )
                )


def downgrade() -> None:
    # The reference rows stay (reports may point at them; older versions read them as any
    # agency-added code). SQLite 3.35+ drops the column in place (the triggers stay).
    op.drop_column("incidents", "bias_motivation")
