"""Synthetic directories with known duplicates, for demo data, training and benchmarks.

Each true person appears once or more, the copies differing as real lists do:
nicknames (Jonathan/Jon), initials (J R Smith), typos, transposed names, a moved
address, a changed surname, a new email or a typo in it, a date of birth with its
year off by one or its day and month swapped, missing values. Plain Python (Faker).

Two populations of names: "gb" draws from Faker's British lists (about 360 first
names and 500 surnames, fine for a directory of thousands, which is what the shipped
model is trained on); "uk" draws from many communities' names with a long tail, as a
large body's directory has, so that at a million people most full names are not shared
by dozens of different people as they would be with 500 surnames.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import random
import string
import unicodedata
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


# Where the "uk" population's names come from, and each source's share of people.
UK_NAME_SOURCES = (
    ("en_GB", 0.42),
    ("en_IE", 0.10),
    ("en_AU", 0.05),
    ("en_US", 0.05),
    ("en_IN", 0.08),
    ("pl_PL", 0.05),
    ("it_IT", 0.03),
    ("es_ES", 0.03),
    ("fr_FR", 0.02),
    ("de_DE", 0.02),
    ("nl_NL", 0.02),
    ("tr_TR", 0.02),
    ("pt_PT", 0.02),
    ("yo_NG", 0.03),
    ("tw_GH", 0.02),
    ("zu_ZA", 0.02),
    ("sv_SE", 0.01),
    ("fi_FI", 0.01),
)


def _plain(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


@functools.cache
def _uk_pools(seed: int) -> tuple[list[str], list[float], list[str], list[float]]:
    """First names and surnames from many communities, each with a long-tailed weight:
    a few names are common (about 1% of people share the commonest surname) and most rare."""
    pools: dict[str, tuple[set[str], set[str]]] = {}
    for locale, _share in UK_NAME_SOURCES:
        fake = Faker(locale)
        fake.seed_instance(seed)
        firsts = {_plain(fake.first_name()) for _ in range(3000)}
        lasts = {_plain(fake.last_name()) for _ in range(6000)}
        pools[locale] = (
            {n for n in firsts if n.isascii() and n.isalpha()},
            {n for n in lasts if n.isascii()},
        )
    rng = random.Random(seed)  # noqa: S311

    def ranked(which: int) -> tuple[list[str], list[float]]:
        weights: dict[str, float] = {}
        for locale, share in UK_NAME_SOURCES:
            names = sorted(pools[locale][which])
            rng.shuffle(names)
            # Zipf-like within a source: the r-th name is given to share / (r + 10) of people.
            total = sum(1 / (r + 10) for r in range(1, len(names) + 1))
            for r, name in enumerate(names, start=1):
                weights[name] = weights.get(name, 0.0) + share / (r + 10) / total
        names = sorted(weights)
        return names, list(itertools.accumulate(weights[name] for name in names))

    first, first_cum = ranked(0)
    last, last_cum = ranked(1)
    return first, first_cum, last, last_cum


def generate_people(
    n: int,
    *,
    duplicate_rate: float = 0.25,
    seed: int = 7,
    colleagues: float = 0.0,
    names: str = "gb",
    email_typos: float = 0.1,
    dob: bool = False,
) -> pd.DataFrame:
    """About ``n`` records, of which roughly ``duplicate_rate`` are extra copies of someone.

    With ``colleagues``, that share of people give their organisation's office postcode, as
    staff of one organisation do in a council's directory: different people who share a
    postcode (and often a first name) are what make a duplicate review hard.

    ``names`` is "gb" or "uk" (see the module's docstring). ``email_typos`` is the share of
    copies whose email has a typo in it; with ``dob``, everyone has a date of birth, and
    some copies have its year off by one, its day and month swapped, or a digit mistyped.
    The ``changes`` column says how each copy differs from the person's first record (of
    CHANGES, joined with ";"), before values went missing; it is blank on first records.
    """
    rng = random.Random(seed)  # noqa: S311  (synthetic data, not secrets)
    # The newer kinds of difference draw from their own stream, so that the records of a
    # seed without them are what they always were.
    extra = random.Random(seed * 7919 + 1)  # noqa: S311
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    first_names = [fake.first_name() for _ in range(600)]
    surnames = [fake.last_name() for _ in range(3000)]
    towns = [fake.city() for _ in range(300)]
    if names == "uk":
        uk_first, uk_first_cum, uk_last, uk_last_cum = _uk_pools(seed)
        # Typos and changed surnames in copies draw from the same population.
        surnames = extra.choices(uk_last, cum_weights=uk_last_cum, k=3000)
    elif names != "gb":
        raise ValueError(f'names must be "gb" or "uk", not {names!r}')
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
        if names == "uk":
            first = extra.choices(uk_first, cum_weights=uk_first_cum)[0]
            surname = extra.choices(uk_last, cum_weights=uk_last_cum)[0]
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
        if dob:
            born = datetime.date(1940, 1, 1) + datetime.timedelta(days=extra.randrange(365 * 65))
            base["dob"] = born.isoformat()
        rows.append(_with_missing({**base, "changes": ""}, rng))
        copies = 0
        while rng.random() < duplicate_rate and copies < 4 and len(rows) < n:
            copy, changes = _variant(base, rng, first_names, surnames, towns, organisations)
            if email_typos and copy["email"] == base["email"] and extra.random() < email_typos:
                copy["email"] = _email_typo(str(copy["email"]), extra)
                changes.append("email typo")
            if dob:
                copy["dob"] = _date_slip(str(base["dob"]), extra)
                if copy["dob"] != base["dob"]:
                    changes.append("date slip")
            copy["changes"] = ";".join(changes)
            rows.append(_with_missing(copy, rng))
            copies += 1
    df = pd.DataFrame(rows[:n])
    df.insert(0, "unique_id", range(1, len(df) + 1))
    return df


def _email_typo(email: str, rng: random.Random) -> str:
    local, _, domain = email.partition("@")
    if rng.random() < 0.25:
        # A mistyped domain: gmial, example.ogr.
        return f"{local}@{_typo(domain, rng)}"
    return f"{_typo(local, rng)}@{domain}"


def _date_slip(born: str, rng: random.Random) -> str:
    """Mostly the same date; sometimes a year off by one, day and month swapped, or a typo."""
    date = datetime.date.fromisoformat(born)
    slip = rng.random()
    if slip < 0.08:
        year = date.year + rng.choice((-1, 1))
        return date.replace(year=year, day=min(date.day, 28)).isoformat()
    if slip < 0.14 and date.day <= 12 and date.day != date.month:
        return date.replace(month=date.day, day=date.month).isoformat()
    if slip < 0.18:
        digits = list(born)
        i = rng.choice((8, 9))  # a mistyped day digit
        digits[i] = rng.choice("012") if i == 8 else rng.choice("0123456789")
        typed = "".join(digits)
        try:
            return datetime.date.fromisoformat(typed).isoformat()
        except ValueError:
            return born
    return born


def _postcode(rng: random.Random) -> str:
    area = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.choice((1, 2))))
    unit = "".join(rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
    return f"{area}{rng.randint(1, 30)} {rng.randint(1, 9)}{unit}"


def _variant(
    base: dict[str, object],
    rng: random.Random,
    first_names: list[str],
    surnames: list[str],
    towns: list[str],
    organisations: list[str],
) -> tuple[dict[str, object], list[str]]:
    """A later or earlier record of the same person, and what differs (CHANGES)."""
    row = dict(base)
    changes: list[str] = []
    first, surname = str(row["first_name"]), str(row["surname"])
    change = rng.random()
    if change < 0.25:
        row["first_name"] = _nickname(first, rng)
        changes.append("nickname")
    elif change < 0.35:
        row["first_name"] = first[0] + (
            " " + rng.choice(string.ascii_uppercase) if rng.random() < 0.5 else ""
        )
        changes.append("initials")
    elif change < 0.55:
        row["surname"] = _typo(surname.lower(), rng).capitalize()
        changes.append("name typo")
    elif change < 0.62:
        row["first_name"], row["surname"] = surname, first
        changes.append("names swapped")
    elif change < 0.7:
        row["first_name"] = _typo(first.lower(), rng).capitalize()
        changes.append("name typo")
    elif change < 0.78:
        # Married or otherwise changed surname: the email usually stays.
        row["surname"] = rng.choice(surnames)
        changes.append("surname changed")
    if rng.random() < 0.3:
        _move(row, rng, towns)
        changes.append("moved")
    if rng.random() < 0.3:
        # A new address of their own (two people do not share one).
        row["email"] = (
            f"{str(row['first_name']).lower().replace(' ', '')}{rng.randint(1, 99_999)}@example.co.uk"
        )
        changes.append("new email")
    phone = rng.random()
    if phone < 0.15:
        row["phone"] = ""
    elif phone < 0.25:
        row["phone"] = f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}"
        changes.append("new phone")
    if rng.random() < 0.1:
        row["organisation"] = rng.choice(organisations)
        changes.append("new job")
    return row, changes


def _move(row: dict[str, object], rng: random.Random, towns: list[str]) -> None:
    """Moved house: often nearby (the same postcode district), otherwise anywhere."""
    postcode = str(row["postcode"]) or _postcode(rng)
    if rng.random() < 0.4:
        unit = "".join(rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
        row["postcode"] = f"{postcode.split(' ')[0]} {rng.randint(1, 9)}{unit}"
    else:
        row["postcode"] = _postcode(rng)
        row["city"] = rng.choice(towns)


CHANGES = (
    "nickname",
    "initials",
    "name typo",
    "names swapped",
    "surname changed",
    "moved",
    "new email",
    "email typo",
    "new phone",
    "new job",
    "date slip",
)


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
