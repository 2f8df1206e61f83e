"""A browser test's phone is kept for the next test with the same settings
(tests/e2e/conftest.py, `_phone` and `_reuse`): the next test must find it as a new phone
is, or its results would depend on which test ran before it on the same worker."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _phone
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.e2e

# Settings no other test uses, so the phone kept is this test's own.
AUCKLAND = {"timezone": "Pacific/Auckland", "locale": "en-NZ"}
# Who this phone's IndexedDB remembers as logged in (web/js/session.js).
REMEMBERED = "import('/js/db.js').then((db) => db.getMeta('user'))"


def test_a_kept_phone_starts_the_next_test_as_a_new_one(browser: Any,
                                                       server: LiveServer) -> None:
    first = _phone(browser, server, **AUCKLAND)
    phone = next(first)
    phone.sign_up()
    page = phone.page
    page.evaluate("localStorage.setItem('left-behind', '1')")
    assert phone.context.cookies() != []
    assert page.evaluate(REMEMBERED)["email"] == phone.email
    phone.context.set_offline(True)
    page.set_viewport_size({"width": 1280, "height": 800})
    next(first, None)  # the test is over: the phone is reset and kept

    second = _phone(browser, server, **AUCKLAND)
    again = next(second)
    assert again.page is page  # the same page, not a new context
    assert page.url == "about:blank"
    assert again.context.cookies() == []
    assert page.viewport_size == {"width": 390, "height": 844}
    again.goto("/today")  # online again: the app loads
    # Nobody remembered on this phone: the app asks who you are.
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    assert page.evaluate("localStorage.getItem('left-behind')") is None
    assert page.evaluate(REMEMBERED) is None
    again.assert_clean()
    next(second, None)
