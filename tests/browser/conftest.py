"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls that
# test set-up makes are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHORUS_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (scripts/test does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.console_problems = problems  # type: ignore[attr-defined]
    yield page
    context.close()


def assert_accessible(page: Page) -> None:
    """No WCAG 2.2 A/AA violations by axe-core, and no script or CSP errors on the page.

    Callers wait for the page they mean to check (its address or something on it) after a click:
    axe run while a navigation replaces the document finds no document to check.
    """
    page.wait_for_load_state("load")
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    violations = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if not (
            v["id"] == "aria-allowed-attr" and all(_govuk_conditional_reveal(page, n) for n in v["nodes"])
        )
    ]
    assert violations == [], f"{page.url}: " + json.dumps(violations, indent=2)
    problems = page.console_problems  # type: ignore[attr-defined]
    assert problems == [], f"{page.url}: console errors {problems}"


# GOV.UK Frontend puts aria-expanded on a radio or checkbox that reveals conditional content
# (alphagov/govuk-frontend#979), which axe reports as aria-allowed-attr. Screen readers
# announce it usefully and the Design System keeps it, so that one attribute on those inputs
# passes; anything else aria-allowed-attr finds still fails.
CONDITIONAL_REVEAL = "input[type=radio][data-aria-controls], input[type=checkbox][data-aria-controls]"


def _govuk_conditional_reveal(page: Page, node: dict) -> bool:
    """Whether an aria-allowed-attr node is only aria-expanded on a GOV.UK conditional reveal."""
    values = [
        value for check in node["any"] + node["all"] for value in (check.get("data") or {}).get("values", [])
    ]
    if not values or not all(value.startswith('aria-expanded="') for value in values):
        return False
    return bool(
        page.evaluate(
            "([target, selector]) => document.querySelector(target)?.matches(selector) ?? false",
            [node["target"][0], CONDITIONAL_REVEAL],
        )
    )
