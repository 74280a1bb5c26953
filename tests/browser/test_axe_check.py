"""The axe check itself: the one allowance it makes, and no more."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser]

PAGE = """<!DOCTYPE html><html lang="en"><head><title>Radios</title></head><body><main>
<h1>Contact</h1><fieldset><legend>How should we contact you?</legend>
<input id="email" name="how" type="radio" value="email" {attributes}>
<label for="email">Email</label>
<div id="conditional-email"><label for="address">Email address</label><input id="address" type="text"></div>
</fieldset></main></body></html>"""


def test_it_allows_aria_expanded_on_a_govuk_conditional_reveal(page: Page) -> None:
    page.set_content(PAGE.format(attributes='data-aria-controls="conditional-email" aria-expanded="false"'))
    assert_accessible(page)


def test_it_still_fails_aria_expanded_on_a_radio_that_reveals_nothing(page: Page) -> None:
    page.set_content(PAGE.format(attributes='aria-expanded="false"'))
    with pytest.raises(AssertionError, match="aria-allowed-attr"):
        assert_accessible(page)
