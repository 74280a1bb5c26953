"""Normalising names, emails, phones and postcodes, for search, matching and storage.

Plain Python with no Django import, so the linkage engine and benchmarks use it too.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w@.+'-]+")
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$")
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lord", "lady", "rev", "cllr", "hon"}


def fold(text: str) -> str:
    """Lower case without accents: 'Siân' -> 'sian'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_key(text: str) -> str:
    """A name reduced for comparison: folded, letters only, single spaces."""
    return " ".join(re.sub(r"[^a-z ]+", " ", fold(text).replace("'", "").replace("-", " ")).split())


def words(text: str) -> list[str]:
    """Search words: folded, split on anything that is not part of a word or an address."""
    return [w.strip(".'-") for w in _NON_WORD.split(fold(text)) if w.strip(".'-")]


def normalise_email(value: str) -> str:
    return value.strip().lower()


def normalise_phone(value: str) -> str:
    """Digits in international form; UK numbers written with a leading 0 become +44."""
    digits = re.sub(r"[^\d+]", "", value)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+44" + digits[1:]
    elif digits and not digits.startswith("+"):
        digits = "+" + digits
    return digits


def normalise_postcode(value: str) -> str:
    """'sw1a1aa' -> 'SW1A 1AA'; anything that is not a UK postcode is returned tidied."""
    compact = re.sub(r"\s+", "", value.upper())
    match = _POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else value.strip().upper()


def is_postcode(value: str) -> bool:
    return bool(_POSTCODE.match(re.sub(r"\s+", "", value.upper())))


def split_full_name(full: str) -> tuple[str, str]:
    """'Dr Jonathan R. Smith' -> ('Jonathan R.', 'Smith'); 'Smith, Jon' -> ('Jon', 'Smith')."""
    full = " ".join(full.split())
    if "," in full:
        last, _, first = full.partition(",")
        return first.strip(), last.strip()
    parts = [p for p in full.split(" ") if p]
    while parts and parts[0].strip(".").lower() in _TITLES:
        parts = parts[1:]
    if not parts:
        return "", ""
    if len(parts) == 1:
        return "", parts[0]
    return " ".join(parts[:-1]), parts[-1]


_ORGANISATION_SUFFIXES = {"ltd", "limited", "llp", "plc", "cic", "cio", "inc"}


def organisation_key(name: str) -> str:
    """An organisation's name reduced for matching: 'The Law Centre & Co Ltd' -> 'law centre and co'."""
    words_ = name_key(name.replace("&", " and ")).split()
    if words_ and words_[0] == "the":
        words_ = words_[1:]
    while words_ and words_[-1] in _ORGANISATION_SUFFIXES:
        words_ = words_[:-1]
    return " ".join(words_)
