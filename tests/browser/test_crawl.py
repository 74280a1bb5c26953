"""The crawl: every page Chorus links to, as every role, in English and Welsh.

It loads the demo data, signs in as each demo account (and walks as the public), starts
at the home pages and follows the links Chorus itself shows, breadth first. On each page
it runs axe, looks for internals (dict and list reprs, ``app.model`` labels, "None", ISO
timestamps) and, on Welsh pages, for English interface text. It posts each form it finds
once with nothing filled in. It fails with every fault it found, each with the page that
showed the link, and prints the pages it visited per role and language.

Bounds, so that it ends in minutes (about five on a busy two-core machine): each URL
pattern (``resolve(path).route``) is visited at most ``PER_ROUTE`` times in a walk, so 600
person pages count as one pattern; patterns no earlier walk visited go first; a walk stops
after ``PAGES_PER_WALK`` pages; staff walks skip the public pages the public walk checked;
axe checks each pattern once in each language; the other team's officer walks in English.
Links to files (CSV, XLSX, PDF, ICS, JSON) are fetched with a plain request for their status.

Empty submits: the live server runs in its own thread and commits, so they cannot be
rolled back. The crawl posts only forms that ask for something (a visible field), whose
empty submit is mostly a validation error (a form whose fields are all optional does act:
an empty "prepare a subject access file" prepares one); forms that are only a button
(sign out, delete, publish, send, deactivate, merge, undo) act on a click and are left
alone. Roles walk from the least able to the most, the administrator last, so that what
an empty submit adds cannot hide a page from a later walk.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import trans_real
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from chorus.accounts.demo import DEMO_PASSWORD
from chorus.accounts.models import User
from chorus.core.models import DemoDataset
from chorus.core.registry import Scale, demo_builders_in_order
from chorus.engagement.models import stages_ensure
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.crawl, pytest.mark.django_db(transaction=True)]

# The smallest demo data with every kind of record: each builder makes at least one of
# everything it makes; eight consultations give open, forthcoming, closed and draft ones.
CRAWL_SCALE = Scale(
    "crawl",
    people=60,
    organisations=15,
    activities=30,
    attendance=150,
    consultations=8,
    responses=160,
    feedback=120,
    subscribers=30,
)

# From the least able to the most (see the module docstring); None is the public.
ROLES: list[tuple[str, str | None]] = [
    ("public", None),
    ("viewer", "viewer@demo.chorus.test"),
    ("analyst", "analyst@demo.chorus.test"),
    ("officer of another team", "crime.officer@demo.chorus.test"),
    ("officer", "officer@demo.chorus.test"),
    ("administrator", "admin@demo.chorus.test"),
]
LANGUAGES = [("en", ""), ("cy", "/cy")]
# The other team's officer walks for what it may reach, on the pages the officer walks in
# both languages; English is enough, and keeps the crawl inside its time.
ENGLISH_ONLY = {"officer of another team"}
PER_ROUTE = 1
PAGES_PER_WALK = 100

# Never followed: they end the session or leave Chorus's own pages.
SKIPPED_URL_NAMES = {"sign_out"}
SKIPPED_PATH_PREFIXES = ("/django-admin/", "/static/", "/media/")

# Known faults the crawl would report, each with its reason; empty when none is known.
# Keys are (URL pattern without the cy/ prefix, fault kind: "status", "axe", "repr",
# "model label", "None", "timestamp", "english" or "empty submit"), values the reason and
# the issue that will fix it. Add to it only with such an issue.
ALLOWED: dict[tuple[str, str], str] = {}

ISO_TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
PYTHON_REPR = re.compile(r"[\[{]'|'[\]}]|\{\"")
# Only on Welsh pages: in English "None" is a word Chorus uses ("Teams: None"), in Welsh it is
# "Dim", so there a "None" is Python's None, or the word left untranslated.
NONE_SHOWN = re.compile(r"(?<![\w-])None(?![\w-])")
# English words every Welsh page translates, whatever the catalogue holds.
COMMON_ENGLISH = {
    "Continue",
    "Save",
    "Search",
    "Back",
    "Sign out",
    "Sign in",
    "Apply filters",
    "Download",
    "Cancel",
    "Delete",
    "Change",
    "Submit",
    "Send",
    "Next",
    "Previous",
    "Yes",
    "No",
    "There is a problem",
    "Name",
    "Status",
    "Actions",
    "Date",
}
# Interface text outside content marked as another language: [text, is it a choice or a row
# header, which may be a record's name].
CHROME_TEXT = """() => {
    const selector = 'button, .govuk-button, label, legend, h1, h2, th, caption, summary,'
        + ' .govuk-error-summary__title, .govuk-back-link, .govuk-header a, .govuk-footer a,'
        + ' .govuk-service-navigation a, .govuk-pagination a, .govuk-tag';
    const welsh = (e) => { const l = e.closest('[lang]'); return !l || l.lang.startsWith('cy'); };
    return Array.from(document.querySelectorAll(selector)).filter(welsh).map(e => {
        const copy = e.cloneNode(true);
        copy.querySelectorAll('[lang]:not([lang^="cy"])').forEach(english => english.remove());
        return [copy.textContent.replace(/\\s+/g, ' ').trim(),
                e.matches('.govuk-checkboxes__label, .govuk-radios__label, th[scope=row]')];
    }).filter(([text]) => text.length > 1);
}"""
# The page's text outside content marked as English (options included).
WELSH_TEXT = """() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const texts = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        const lang = element.closest('[lang]');
        if (['SCRIPT', 'STYLE', 'TEMPLATE'].includes(element.tagName)) continue;
        if (lang && !lang.lang.startsWith('cy')) continue;
        if (node.textContent.trim()) texts.push(node.textContent.trim());
    }
    return texts.join(' | ');
}"""
LINKS = """() => Array.from(document.querySelectorAll('a[href]'))
    .filter(a => !a.hasAttribute('download') && !a.hreflang)
    .map(a => a.href)"""
FORMS = """() => Array.from(document.querySelectorAll('form')).map(f => ({
    method: (f.getAttribute('method') || 'get').toLowerCase(),
    action: new URL(f.getAttribute('action') || '', document.baseURI).href,
    token: (f.querySelector('[name=csrfmiddlewaretoken]') || {}).value || '',
    asks: Array.from(f.elements).some(e =>
        ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName)
        && !['hidden', 'submit', 'button', 'image', 'reset'].includes(e.type)
        && e.offsetParent !== null),
}))"""


@dataclass
class Walk:
    role: str
    language: str
    routes: Counter[str] = field(default_factory=Counter)
    forms: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Crawl:
    base: str
    model_labels: re.Pattern[str]
    english: set[str]
    faults: list[str] = field(default_factory=list)
    walks: list[Walk] = field(default_factory=list)
    public_routes: dict[str, set[str]] = field(default_factory=lambda: {"en": set(), "cy": set()})
    posted: set[tuple[str, str, str]] = field(default_factory=set)
    axe_checked: set[tuple[str, str]] = field(default_factory=set)
    visited: dict[str, set[str]] = field(default_factory=lambda: {"en": set(), "cy": set()})

    def fault(self, route: str, kind: str, message: str) -> None:
        if (route.removeprefix("cy/"), kind) not in ALLOWED:
            self.faults.append(message)

    def route(self, url: str, language: str) -> tuple[str, str] | None:
        """The URL pattern and name an address resolves to, None when it is not Chorus's page."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.base or parts.path.startswith(SKIPPED_PATH_PREFIXES):
            return None
        with translation.override(language):
            try:
                match = resolve(parts.path)
            except Resolver404:
                return (f"(unresolved) {parts.path}", "")
        return (match.route, match.url_name or "")

    def walk(self, page: Page, role: str, language: str, start: str) -> None:
        walk = Walk(role, language)
        self.walks.append(walk)
        started = time.monotonic()
        # Patterns no earlier walk has visited come first, so that the walks together
        # cover as much of Chorus as the cap allows.
        fresh: deque[tuple[str, str]] = deque([(self.base + start, "(start)")])
        known: deque[tuple[str, str]] = deque()
        queued = {self.base + start}
        pages = 0
        while (fresh or known) and pages < PAGES_PER_WALK:
            url, shown_on = (fresh or known).popleft()
            resolved = self.route(url, language)
            if resolved is None:
                continue
            route, _name = resolved
            if walk.routes[route] >= PER_ROUTE:
                continue
            if role != "public" and route in self.public_routes[language]:
                continue
            walk.routes[route] += 1
            pages += 1
            for link in self.visit(page, walk, url, route, shown_on):
                if link not in queued:
                    queued.add(link)
                    link_route = self.route(link, language)
                    seen = link_route is not None and link_route[0] in self.visited[language]
                    (known if seen else fresh).append((link, url))
        if role == "public":
            self.public_routes[language] = set(walk.routes)
        self.visited[language] |= set(walk.routes)
        walk.seconds = time.monotonic() - started

    def visit(self, page: Page, walk: Walk, url: str, route: str, shown_on: str) -> list[str]:
        """Check one page; return the links it shows."""
        where = f"[{walk.role}, {walk.language}] {url.removeprefix(self.base)}"
        page.console_problems.clear()  # type: ignore[attr-defined]
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" not in str(error):
                self.fault(route, "status", f"{where}: does not load (shown on {shown_on}): {error}")
                return []
            response = None
        if response is None or not response.headers.get("content-type", "").startswith("text/html"):
            status = page.context.request.get(url).status
            if status >= 400:
                self.fault(route, "status", f"{where}: file link answers {status} (shown on {shown_on})")
            return []
        if response.status >= 400:
            self.fault(route, "status", f"{where}: answers {response.status} (shown on {shown_on})")
            return []
        # axe takes most of a visit's time, and a page's markup hardly changes with the role
        # that sees it: axe checks each pattern once in each language.
        if (route, walk.language) not in self.axe_checked:
            self.axe_checked.add((route, walk.language))
            try:
                assert_accessible(page)
            except AssertionError as error:
                self.fault(route, "axe", f"{where}: {error}")
        self.look_for_internals(page, walk, route, where)
        self.submit_forms_empty(page, walk, route, where)
        links = [urldefrag(link).url for link in page.evaluate(LINKS)]
        return [link for link in links if self.route(link, walk.language) and not self.skipped(link, walk)]

    def skipped(self, link: str, walk: Walk) -> bool:
        resolved = self.route(link, walk.language)
        if resolved is None or resolved[1] in SKIPPED_URL_NAMES:
            return True
        # A Welsh walk stays in Welsh; a link out of it is a fault the English walk would not see.
        path = urlsplit(link).path
        return (walk.language == "cy") != (path == "/cy" or path.startswith("/cy/"))

    def look_for_internals(self, page: Page, walk: Walk, route: str, where: str) -> None:
        text = page.locator("body").inner_text()
        checks = [("repr", PYTHON_REPR), ("model label", self.model_labels), ("timestamp", ISO_TIMESTAMP)]
        if walk.language == "cy":
            text = page.evaluate(WELSH_TEXT)
            checks.append(("None", NONE_SHOWN))
        for kind, pattern in checks:
            found = pattern.search(text)
            if found:
                context = text[max(0, found.start() - 60) : found.end() + 60].replace("\n", " | ")
                self.fault(route, kind, f"{where}: shows {kind} {found.group(0)!r} in “…{context}…”")
        if walk.language == "cy":
            # Choices and row headers may be records' names ("Media" is a stakeholder group
            # and a sector), so they are held only to the common words; the rest of the
            # interface to every msgid the catalogue translates.
            english = sorted(
                {
                    text
                    for text, choice in page.evaluate(CHROME_TEXT)
                    if text in (COMMON_ENGLISH if choice else self.english)
                }
            )
            if english:
                self.fault(route, "english", f"{where}: English interface text on a Welsh page: {english}")

    def submit_forms_empty(self, page: Page, walk: Walk, route: str, where: str) -> None:
        for form in page.evaluate(FORMS):
            if form["method"] != "post" or not form["asks"]:
                continue
            target = self.route(form["action"], walk.language)
            if target is None:
                continue
            key = (walk.role, route, target[0])
            if key in self.posted:
                continue
            self.posted.add(key)
            walk.forms.append(target[0])
            response = page.context.request.post(
                form["action"],
                form={"csrfmiddlewaretoken": form["token"]},
                headers={"Referer": page.url},
            )
            if response.status >= 500:
                self.fault(
                    route, "empty submit", f"{where}: an empty submit to {target[0]} gives {response.status}"
                )

    def report(self) -> str:
        lines = []
        for walk in self.walks:
            lines.append(
                f"{walk.role}, {walk.language}: {sum(walk.routes.values())} pages, "
                f"{len(walk.routes)} URL patterns, {len(walk.forms)} forms posted empty, {walk.seconds:.0f} s"
            )
            lines.extend(f"    /{route}" for route in sorted(walk.routes))
        return "\n".join(lines)


def _load_demo_data() -> None:
    stages_ensure()
    for builder in demo_builders_in_order():
        summary = builder.build(CRAWL_SCALE, random.Random(f"2026:{builder.name}"))
        DemoDataset.objects.create(builder=builder.name, scale=CRAWL_SCALE.name, summary=summary)


def _model_labels() -> re.Pattern[str]:
    labels = sorted(model._meta.label_lower for model in apps.get_models())
    return re.compile(r"(?<![\w.@/-])(" + "|".join(map(re.escape, labels)) + r")(?![\w-])", re.IGNORECASE)


def _translated_english() -> set[str]:
    """English interface texts that have a different Welsh translation in the catalogue."""
    catalog = trans_real.translation("cy")._catalog  # type: ignore[attr-defined]
    english = {
        msgid
        for msgid, msgstr in catalog.items()
        if isinstance(msgid, str) and msgid.strip() and "\x04" not in msgid and msgstr != msgid
    }
    return english | COMMON_ENGLISH


def _page(context: BrowserContext) -> Page:
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.console_problems = problems  # type: ignore[attr-defined]
    return page


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state("load")
    if "security-code" in page.url:
        device = TOTPDevice.objects.get(user__email=email, confirmed=True)
        code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
        page.get_by_label("Security code").fill(f"{code:06d}")
        page.locator("form button[type=submit]").click()
        page.wait_for_load_state("load")
    assert "/staff/" in page.url, f"{email} did not reach the staff home: {page.url}"


def test_the_crawl_finds_no_fault_on_any_page_chorus_links_to(
    browser: Browser, live_server, contexts: list[BrowserContext], request: pytest.FixtureRequest
) -> None:
    started = time.monotonic()
    _load_demo_data()
    # The administrator needs two-factor: give the demo account an authenticator.
    TOTPDevice.objects.create(
        user=User.objects.get(email="admin@demo.chorus.test"), name="crawl", confirmed=True
    )
    loaded = time.monotonic()
    crawl = Crawl(base=live_server.url, model_labels=_model_labels(), english=_translated_english())
    for role, email in ROLES:
        context = browser.new_context(locale="en-GB")
        contexts.append(context)
        page = _page(context)
        if email is not None:
            _sign_in(page, live_server.url, email)
        for language, prefix in LANGUAGES:
            if language != "en" and role in ENGLISH_ONLY:
                continue
            crawl.walk(page, role, language, f"{prefix}/" if email is None else f"{prefix}/staff/")

    coverage = f"Demo data loaded in {loaded - started:.0f} s.\n" + crawl.report()
    print(coverage)
    request.node.add_report_section("call", "crawl coverage", coverage)
    assert crawl.faults == [], f"{len(crawl.faults)} faults:\n" + "\n".join(crawl.faults)
