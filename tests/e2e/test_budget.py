"""The first load (HTML, JS and CSS of the opening screen, gzipped) stays within 60 KB; the
provider's report has a budget of its own."""

from __future__ import annotations

import gzip
from typing import Any

import pytest

from tests.e2e.conftest import Phone

pytestmark = pytest.mark.e2e

BUDGET = 60 * 1024
# The report page before its chart (HTML, CSS, its own small module and the shared helpers),
# and everything it ever loads, uPlot included.
PROVIDER_PAGE = 30 * 1024
PROVIDER_TOTAL = 60 * 1024


def first_load(phone: Phone, path: str, ready: str = "main .screen h1") -> dict[str, int]:
    sizes: dict[str, int] = {}

    def on_response(response: Any) -> None:
        catalog = "/i18n/" in response.url  # the active language's messages (fetched)
        if response.request.resource_type in ("document", "script", "stylesheet") or catalog:
            sizes[response.url] = len(gzip.compress(response.body(), compresslevel=6))

    phone.page.on("response", on_response)
    phone.page.goto(phone.url + path)
    phone.page.wait_for_selector(ready)
    phone.page.wait_for_load_state("networkidle")
    phone.page.remove_listener("response", on_response)
    return sizes


@pytest.mark.parametrize("path", ["/login", "/today"])
def test_first_load_is_within_60_kb_gzipped(phone: Phone, path: str) -> None:
    if path == "/today":
        phone.sign_up()
        phone.page.goto("about:blank")
    sizes = first_load(phone, path)
    total = sum(sizes.values())
    print(f"first load of {path}: {total} bytes gzipped in {len(sizes)} files")
    assert not any("/vendor/" in url for url in sizes), "uPlot must load only on Trends"
    assert total <= BUDGET, sorted(sizes.items(), key=lambda kv: -kv[1])


def test_provider_report_is_small(phone: Phone) -> None:
    phone.register()
    api = phone.api()
    day = api.get(f"{phone.url}/api/v1/me", timeout=10).json()  # an entry, so a chart is drawn
    assert day and api.put(f"{phone.url}/api/v1/entries/2026-01-15", json={"pain": 4, "mood": 6},
                           timeout=10).status_code == 201
    created = api.post(f"{phone.url}/api/v1/shares", json={"label": "Budget"}, timeout=10)
    assert created.status_code == 201, created.text
    path = created.json()["url"].removeprefix(phone.url)
    sizes = first_load(phone, path, ready=".chart-screen canvas")
    page = sum(size for url, size in sizes.items()
               if "/vendor/" not in url and not url.endswith("/js/chart.js"))
    total = sum(sizes.values())
    print(f"provider report: {page} bytes gzipped before the chart, {total} with it")
    assert page <= PROVIDER_PAGE, sorted(sizes.items(), key=lambda kv: -kv[1])
    assert total <= PROVIDER_TOTAL, sorted(sizes.items(), key=lambda kv: -kv[1])
    assert not any("/js/app.js" in url or "/js/outbox.js" in url for url in sizes), \
        "the provider page must not load the patient app"
