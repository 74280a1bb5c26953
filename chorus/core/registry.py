"""Extension points other apps register with: demo data builders, demo sign-ins,
staff-home attention items, and sections of lower apps' pages and downloads.

Apps contribute by defining ``demo.py`` and ``attention.py`` modules, which
``CoreConfig.ready`` imports.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.http import HttpRequest

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
    after: tuple[str, ...]
    build: DemoBuild


DEMO_BUILDERS: dict[str, DemoBuilder] = {}


def demo_builder(name: str, *, after: Collection[str] = ()) -> Callable[[DemoBuild], DemoBuild]:
    """Register a function that adds one app's demo records.

    ``after`` names the builders whose records it uses; they run first.
    """

    def decorator(build: DemoBuild) -> DemoBuild:
        DEMO_BUILDERS[name] = DemoBuilder(name=name, after=tuple(after), build=build)
        return build

    return decorator


def demo_builders_in_order(builders: Collection[DemoBuilder] | None = None) -> list[DemoBuilder]:
    """Every builder after the builders it names; otherwise in the order they registered
    (which follows ``INSTALLED_APPS``), so the order is the same on every run."""
    pending = list(DEMO_BUILDERS.values() if builders is None else builders)
    names = {builder.name for builder in pending}
    for builder in pending:
        unknown = sorted(set(builder.after) - names)
        if unknown:
            raise ImproperlyConfigured(f"Demo builder {builder.name!r} comes after unknown ones: {unknown}.")
    ordered: list[DemoBuilder] = []
    done: set[str] = set()
    while pending:
        ready = next((b for b in pending if done.issuperset(b.after)), None)
        if ready is None:
            cycle = sorted(b.name for b in pending)
            raise ImproperlyConfigured(f"Demo builders {cycle} each wait for another of them.")
        ordered.append(ready)
        done.add(ready.name)
        pending.remove(ready)
    return ordered


DemoSignIns = Callable[[], list[str]]
DEMO_SIGN_INS: list[DemoSignIns] = []


def demo_sign_ins_provider(provider: DemoSignIns) -> DemoSignIns:
    """Register a function that says how to sign in to demo accounts, for ``chorus serve``."""
    if provider not in DEMO_SIGN_INS:
        DEMO_SIGN_INS.append(provider)
    return provider


def demo_sign_ins() -> list[str]:
    """One line for each demo account that can sign in now."""
    return [line for provider in DEMO_SIGN_INS for line in provider()]


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


@dataclass(frozen=True)
class PageSection:
    """A short section a higher app adds to a lower app's page (the project page, the
    engagement report): a heading, lines of text (or what to say when there are none),
    and a link to the higher app's own page."""

    heading: str | Promise
    lines: list[str]
    empty: str | Promise
    link_url: str
    link_text: str | Promise
    # Parts of the lower page this section stands in for, which it then leaves out (the
    # public event page's "how_to_join" where people register for the event instead).
    hides: tuple[str, ...] = ()
    # The link starts a journey (registering for an event): shown as a GOV.UK start button.
    start: bool = False
    # A second link, shown before the first (the analysis whose themes the lines are).
    also_url: str = ""
    also_text: str | Promise = ""


# A provider gets the user and the page's subject (a project; the engagement report) and
# returns its section, or None when it has nothing to show them.
SectionProvider = Callable[["User", object], "PageSection | None"]
PAGE_SECTIONS: dict[str, list[SectionProvider]] = {}


def page_section(place: str) -> Callable[[SectionProvider], SectionProvider]:
    """Register a provider of a section on the pages called ``place`` ("project",
    "engagement_report"), from an ``AppConfig.ready``."""

    def decorator(provider: SectionProvider) -> SectionProvider:
        providers = PAGE_SECTIONS.setdefault(place, [])
        if provider not in providers:
            providers.append(provider)
        return provider

    return decorator


def page_sections(place: str, user: User, subject: object) -> list[PageSection]:
    return [s for provider in PAGE_SECTIONS.get(place, []) if (s := provider(user, subject)) is not None]


@dataclass(frozen=True)
class ExportSection:
    """A table a higher app adds to a lower app's download (the engagement report's CSV and
    PDF): a heading, a line saying what the figures are of, a header row and rows. Every
    figure is already disclosure-controlled and every word is one a reader understands;
    figures stay numbers (a suppressed one is words), so a spreadsheet can add them up."""

    heading: str | Promise
    note: str | Promise
    header: list[str | Promise]
    rows: list[list[str | Promise | int | float]]


# A provider gets the request (to record in the audit log what it exports, as its own page
# records what it shows) and the download's subject, and returns its sections, if any.
ExportProvider = Callable[["HttpRequest", object], list[ExportSection]]
EXPORT_SECTIONS: dict[str, list[ExportProvider]] = {}


def export_section(place: str) -> Callable[[ExportProvider], ExportProvider]:
    """Register a provider of sections in the downloads called ``place``
    ("engagement_report"), from an ``AppConfig.ready``."""

    def decorator(provider: ExportProvider) -> ExportProvider:
        providers = EXPORT_SECTIONS.setdefault(place, [])
        if provider not in providers:
            providers.append(provider)
        return provider

    return decorator


def export_sections(place: str, request: HttpRequest, subject: object) -> list[ExportSection]:
    """The sections of a download being made now: providers audit what they return."""
    return [s for provider in EXPORT_SECTIONS.get(place, []) for s in provider(request, subject)]


@dataclass(frozen=True)
class TimelineEntry:
    """A line a higher app adds to a directory record's timeline (a person's cases): when,
    a title and short lines under it, and the page the title links to ("" for none)."""

    at: datetime
    title: str
    lines: list[str]
    url: str = ""


# A provider gets the directory record (a person or an organisation) and the staff user
# looking at it, and returns the entries that user may see (another team's restricted
# records are left out, as they are from every list).
TimelineProvider = Callable[[object, "User"], list[TimelineEntry]]
TIMELINE_PROVIDERS: list[TimelineProvider] = []


def timeline_provider(provider: TimelineProvider) -> TimelineProvider:
    """Register a provider of timeline entries, from an ``AppConfig.ready``."""
    if provider not in TIMELINE_PROVIDERS:
        TIMELINE_PROVIDERS.append(provider)
    return provider


def timeline_entries(record: object, user: User) -> list[TimelineEntry]:
    return [entry for provider in TIMELINE_PROVIDERS for entry in provider(record, user)]


# A provider gets a directory person and returns, by file name ("casenote.csv"), records
# that say something about them but hang off another record rather than the person (the
# notes and replies of their cases), for their subject access file. Records that point at
# the person themselves are found by the directory without a provider.
SubjectAccessProvider = Callable[[object], dict[str, list[object]]]
SUBJECT_ACCESS_PROVIDERS: list[SubjectAccessProvider] = []


def subject_access_provider(provider: SubjectAccessProvider) -> SubjectAccessProvider:
    """Register a provider of subject access records, from an ``AppConfig.ready``."""
    if provider not in SUBJECT_ACCESS_PROVIDERS:
        SUBJECT_ACCESS_PROVIDERS.append(provider)
    return provider


def subject_access_records(person: object) -> dict[str, list[object]]:
    found: dict[str, list[object]] = {}
    for provider in SUBJECT_ACCESS_PROVIDERS:
        for name, records in provider(person).items():
            found.setdefault(name, []).extend(records)
    return found
