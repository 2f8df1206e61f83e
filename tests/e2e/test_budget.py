"""The first load (HTML, JS and CSS of the opening screen, gzipped) stays within 60 KB."""

from __future__ import annotations

import gzip
from typing import Any

import pytest

from tests.e2e.conftest import Phone

pytestmark = pytest.mark.e2e

BUDGET = 60 * 1024


def first_load(phone: Phone, path: str) -> dict[str, int]:
    sizes: dict[str, int] = {}

    def on_response(response: Any) -> None:
        if response.request.resource_type in ("document", "script", "stylesheet"):
            sizes[response.url] = len(gzip.compress(response.body(), compresslevel=6))

    phone.page.on("response", on_response)
    phone.goto(path)
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
