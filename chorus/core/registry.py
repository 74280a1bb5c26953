"""Extension points other apps register with: demo data builders and staff-home attention items.

Apps contribute by defining ``demo.py`` and ``attention.py`` modules, which
``CoreConfig.ready`` imports.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from chorus.accounts.models import User


@dataclass(frozen=True)
class Scale:
    """How much demo data to make. ``large`` is sized for benchmarks."""

    name: str
    people: int
    organisations: int
    activities: int
    attendance: int
    consultations: int
    responses: int
    feedback: int
    subscribers: int


SCALES: dict[str, Scale] = {
    "small": Scale("small", 600, 120, 400, 4_000, 8, 3_000, 2_000, 800),
    "medium": Scale("medium", 10_000, 1_500, 5_000, 50_000, 40, 100_000, 40_000, 10_000),
    "large": Scale("large", 100_000, 12_000, 50_000, 500_000, 200, 1_000_000, 300_000, 100_000),
}

DemoSummary = dict[str, int]
DemoBuild = Callable[[Scale, random.Random], DemoSummary]


@dataclass(frozen=True)
class DemoBuilder:
    name: str
    order: int
    build: DemoBuild


DEMO_BUILDERS: dict[str, DemoBuilder] = {}


def demo_builder(name: str, *, order: int) -> Callable[[DemoBuild], DemoBuild]:
    """Register a function that adds one app's demo records. Lower ``order`` runs first."""

    def decorator(build: DemoBuild) -> DemoBuild:
        DEMO_BUILDERS[name] = DemoBuilder(name=name, order=order, build=build)
        return build

    return decorator


@dataclass(frozen=True)
class AttentionItem:
    """Something on the staff home page that a user should act on."""

    title: str | Promise
    description: str | Promise
    url: str
    count: int | None = None
    urgent: bool = False
    extra: dict[str, str] = field(default_factory=dict)


AttentionProvider = Callable[["User"], list[AttentionItem]]
ATTENTION_PROVIDERS: list[AttentionProvider] = []


def attention_provider(provider: AttentionProvider) -> AttentionProvider:
    ATTENTION_PROVIDERS.append(provider)
    return provider


def attention_for(user: User) -> list[AttentionItem]:
    items = [item for provider in ATTENTION_PROVIDERS for item in provider(user)]
    return sorted(items, key=lambda item: not item.urgent)
