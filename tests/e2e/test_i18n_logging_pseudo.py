"""In the pseudo-language, every string of the logging screens comes from the catalog:
Today (with and without an entry), History, a past day with its earlier versions,
Treatments and the session form."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest

from tests.e2e.conftest import Phone, assert_all_text_translated

pytestmark = pytest.mark.e2e

SESSION = {"started_at": f"{date.today() - timedelta(days=3)}T10:00:00Z",
           "route": "intranasal", "dose_mg": 56, "dose_mg_per_kg": 0.8, "phase": "induction",
           "pain_before": 7, "pain_after": 3,
           "side_effects": ["nausea"], "clinic": "Lakeside", "notes": "felt calm"}


def test_logging_screens_show_only_catalog_text(pseudo_phone: Phone) -> None:
    phone, page = pseudo_phone, pseudo_phone.page
    phone.sign_up("UTC")
    api = phone.context.request
    user_data = ["Lakeside", "felt calm", "a note", re.compile(r"^\d")]

    phone.goto("/today")  # nothing logged yet
    assert_all_text_translated(page, allow=user_data)

    day = (date.today() - timedelta(days=2)).isoformat()
    assert api.put(f"{phone.url}/api/v1/entries/{day}",
                   data={"pain": 4, "mood": 6, "notes": "a note"}).ok
    assert api.put(f"{phone.url}/api/v1/entries/{day}",
                   data={"pain": 5, "mood": 6, "sleep_hours": 7.5, "notes": "a note"}).ok
    session_id = str(uuid.uuid4())
    assert api.put(f"{phone.url}/api/v1/treatments/{session_id}", data=SESSION).ok

    phone.goto("/history")
    page.locator("main a[href^='/history/2']").first.wait_for()
    assert_all_text_translated(page, allow=user_data)

    phone.goto(f"/history/{day}")  # the day, its form and its earlier version
    page.locator("main form").wait_for()
    assert_all_text_translated(page, allow=user_data)

    phone.goto("/treatments")
    page.locator(f"main a[href='/treatments/{session_id}']").wait_for()
    assert_all_text_translated(page, allow=user_data)

    phone.goto(f"/treatments/{session_id}")
    page.locator("main form").wait_for()
    assert_all_text_translated(page, allow=user_data)

    phone.goto("/treatments/new")
    assert_all_text_translated(page, allow=user_data)
    phone.assert_clean()
