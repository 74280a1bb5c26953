"""The fields an import takes, and which column of a file holds each."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any, NamedTuple

from django.utils.translation import gettext as _


class Field(NamedTuple):
    label: Any  # a lazy translation
    synonyms: tuple[str, ...]  # header names, folded, that usually mean this field
    # What the mapping page says when no column is matched to this field, for a field every
    # row must have (an added field an administrator made required); "" for the others.
    must_map: Any = ""


# An import's field name -> its Field, in the order the mapping page lists them.
Fields = Mapping[str, Field]


def fold(text: str) -> str:
    """A header as compared: lower case, no accents, underscores as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("_", " ").strip()


def guess_mapping(headers: list[str], fields: Fields) -> dict[str, str]:
    """Field name -> file column, from the column names; each column used once."""
    mapping: dict[str, str] = {}
    folded = {fold(h): h for h in headers if h}
    for name, spec in fields.items():
        for synonym in spec.synonyms:
            if synonym in folded and folded[synonym] not in mapping.values():
                mapping[name] = folded[synonym]
                break
    return mapping


def chosen_mapping(data: Mapping[str, str], fields: Fields, headers: list[str]) -> dict[str, str]:
    """The mapping a person chose on the mapping page: only columns the file has."""
    return {name: data.get(name, "") for name in fields if data.get(name, "") in headers}


def mapping_errors(mapping: Mapping[str, str], *, required: tuple[str, ...], message: Any) -> list[str]:
    """What is wrong with a chosen mapping: a column used twice, or none of ``required`` matched."""
    errors: list[str] = []
    chosen = list(mapping.values())
    if len(chosen) != len(set(chosen)):
        errors.append(
            _("Each column can be matched to one field only. Check the fields that share a column.")
        )
    if required and not any(name in mapping for name in required):
        errors.append(str(message))
    return errors


def unmapped_fields(mapping: Mapping[str, str], fields: Fields) -> dict[str, str]:
    """Field name -> what to do, for each field that must be matched to a column and is not."""
    return {
        name: str(field.must_map) for name, field in fields.items() if field.must_map and name not in mapping
    }
