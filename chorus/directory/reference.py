"""Reference data: UK nations and English regions, with Welsh names and ONS codes."""

from __future__ import annotations

from django.db import transaction

from chorus.directory.models import Region
from chorus.directory.normalise import fold

NATIONS = [
    ("E92000001", "England", "Lloegr"),
    ("W92000004", "Wales", "Cymru"),
    ("S92000003", "Scotland", "Yr Alban"),
    ("N92000002", "Northern Ireland", "Gogledd Iwerddon"),
]
ENGLISH_REGIONS = [
    ("E12000001", "North East", "Gogledd Ddwyrain Lloegr"),
    ("E12000002", "North West", "Gogledd Orllewin Lloegr"),
    ("E12000003", "Yorkshire and The Humber", "Swydd Efrog a'r Humber"),
    ("E12000004", "East Midlands", "Dwyrain Canolbarth Lloegr"),
    ("E12000005", "West Midlands", "Gorllewin Canolbarth Lloegr"),
    ("E12000006", "East of England", "Dwyrain Lloegr"),
    ("E12000007", "London", "Llundain"),
    ("E12000008", "South East", "De Ddwyrain Lloegr"),
    ("E12000009", "South West", "De Orllewin Lloegr"),
]


def regions_ensure() -> None:
    """Create the reference regions if they are missing (idempotent)."""
    if Region.objects.count() == len(NATIONS) + len(ENGLISH_REGIONS):
        return
    with transaction.atomic():
        england = None
        for code, name_en, name_cy in NATIONS:
            region, _ = Region.objects.update_or_create(
                ons_code=code, defaults={"name_en": name_en, "name_cy": name_cy, "kind": Region.Kind.NATION}
            )
            if code == "E92000001":
                england = region
        for code, name_en, name_cy in ENGLISH_REGIONS:
            Region.objects.update_or_create(
                ons_code=code,
                defaults={
                    "name_en": name_en,
                    "name_cy": name_cy,
                    "kind": Region.Kind.ENGLISH_REGION,
                    "parent": england,
                },
            )


def regions_by_key() -> dict[str, Region]:
    """Every region under each name a file may give it (English, Welsh, ONS code), folded."""
    regions_ensure()
    found: dict[str, Region] = {}
    for region in Region.objects.all():
        for key in (region.name_en, region.name_cy, region.ons_code):
            found[fold(key)] = region
    return found
