"""Synthetic directories with known duplicates, for demo data, training and benchmarks.

Each true person appears once or more, the copies differing as real lists do:
nicknames (Jonathan/Jon), initials (J R Smith), typos, transposed names, a moved
address, a changed surname, a new email, missing values. Plain Python (Faker).
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

import pandas as pd
from faker import Faker
from nicknames import NickNamer

_nicknamer = NickNamer()

ORGANISATION_SUFFIXES = [
    "Law Centre",
    "Citizens Advice",
    "Solicitors",
    "Chambers",
    "Trust",
    "Foundation",
    "Council",
    "Advice Network",
    "University",
]


@dataclass(frozen=True)
class SyntheticPerson:
    entity: int
    first_name: str
    surname: str
    email: str
    phone: str
    postcode: str
    organisation: str
    city: str


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1 :]
    if kind < 0.7 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]


def _nickname(first: str, rng: random.Random) -> str:
    options = sorted(_nicknamer.nicknames_of(first.lower()))
    return rng.choice(options).capitalize() if options else first


def generate_people(
    n: int, *, duplicate_rate: float = 0.25, seed: int = 7, colleagues: float = 0.0
) -> pd.DataFrame:
    """About ``n`` records, of which roughly ``duplicate_rate`` are extra copies of someone.

    With ``colleagues``, that share of people give their organisation's office postcode, as
    staff of one organisation do in a council's directory: different people who share a
    postcode (and often a first name) are what make a duplicate review hard.
    """
    rng = random.Random(seed)  # noqa: S311  (synthetic data, not secrets)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    first_names = [fake.first_name() for _ in range(600)]
    surnames = [fake.last_name() for _ in range(3000)]
    towns = [fake.city() for _ in range(300)]
    organisations = [
        f"{fake.last_name()} {rng.choice(ORGANISATION_SUFFIXES)}" for _ in range(max(50, n // 20))
    ]
    offices = {name: _postcode(rng) for name in organisations} if colleagues else {}
    rows: list[dict[str, object]] = []
    entity = 0
    while len(rows) < n:
        entity += 1
        first = rng.choice(first_names)
        surname = rng.choice(surnames)
        town = rng.choice(towns)
        postcode = _postcode(rng)
        domain = rng.choice(["example.org", "example.com", "example.net", "mail.example"])
        email = f"{first.lower()}.{surname.lower()}{rng.randint(1, 999)}@{domain}".replace("'", "")
        phone = f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}"
        organisation = rng.choice(organisations)
        if colleagues and rng.random() < colleagues:
            postcode = offices[organisation]
        base = {
            "entity": entity,
            "first_name": first,
            "surname": surname,
            "email": email,
            "phone": phone,
            "postcode": postcode,
            "organisation": organisation,
            "city": town,
        }
        rows.append(_with_missing(dict(base), rng))
        copies = 0
        while rng.random() < duplicate_rate and copies < 4 and len(rows) < n:
            rows.append(_with_missing(_variant(base, rng, first_names, surnames, towns), rng))
            copies += 1
    df = pd.DataFrame(rows[:n])
    df.insert(0, "unique_id", range(1, len(df) + 1))
    return df


def _postcode(rng: random.Random) -> str:
    area = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.choice((1, 2))))
    unit = "".join(rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
    return f"{area}{rng.randint(1, 30)} {rng.randint(1, 9)}{unit}"


def _variant(
    base: dict[str, object], rng: random.Random, first_names: list[str], surnames: list[str], towns: list[str]
) -> dict[str, object]:
    row = dict(base)
    first, surname = str(row["first_name"]), str(row["surname"])
    change = rng.random()
    if change < 0.25:
        row["first_name"] = _nickname(first, rng)
    elif change < 0.35:
        row["first_name"] = first[0] + (
            " " + rng.choice(string.ascii_uppercase) if rng.random() < 0.5 else ""
        )
    elif change < 0.55:
        row["surname"] = _typo(surname.lower(), rng).capitalize()
    elif change < 0.62:
        row["first_name"], row["surname"] = surname, first
    elif change < 0.7:
        row["first_name"] = _typo(first.lower(), rng).capitalize()
    elif change < 0.78:
        # Married or otherwise changed surname: the email usually stays.
        row["surname"] = rng.choice(surnames)
    if rng.random() < 0.3:
        # Moved house.
        row["postcode"] = (
            f"{rng.choice(['CF', 'SW', 'M', 'LS', 'B'])}{rng.randint(1, 30)} {rng.randint(1, 9)}AB"
        )
        row["city"] = rng.choice(towns)
    if rng.random() < 0.3:
        row["email"] = f"{str(row['first_name']).lower().replace(' ', '')}{rng.randint(1, 99)}@example.co.uk"
    if rng.random() < 0.2:
        row["phone"] = ""
    return row


def _with_missing(row: dict[str, object], rng: random.Random) -> dict[str, object]:
    for field, chance in (
        ("email", 0.15),
        ("phone", 0.4),
        ("postcode", 0.25),
        ("organisation", 0.3),
        ("city", 0.3),
    ):
        if rng.random() < chance:
            row[field] = ""
    return row


# Directories like those the shipped model scores (under 20,000 people), with few and with
# many duplicates, where colleagues often give their organisation's postcode (as they do):
# (people, share that are extra copies, share who give their organisation's postcode).
# `chorus train_linkage_model` fits the calibration on them; benchmarks/linkage.py
# --calibration checks it on other seeds.
CALIBRATION_DIRECTORIES = (
    (100, 0.15, 0.4),
    (300, 0.08, 0.4),
    (300, 0.25, 0.4),
    (1_000, 0.08, 0.4),
    (1_000, 0.25, 0.4),
    (3_000, 0.08, 0.4),
    (3_000, 0.25, 0.4),
    (10_000, 0.15, 0.4),
)


def calibration_directories(seed: int, columns: tuple[str, ...]) -> list[pd.DataFrame]:
    """Labelled directories (with ``entity``) to fit or check the calibration on."""
    return [
        generate_people(size, duplicate_rate=rate, seed=seed + i, colleagues=colleagues)[[*columns, "entity"]]
        for i, (size, rate, colleagues) in enumerate(CALIBRATION_DIRECTORIES)
    ]
