"""First-load bytes of the PWA: HTML, JS and CSS of the opening screens, gzipped, as
Chromium fetches them from a live server. Printed against the 60 KB budget."""

from __future__ import annotations

import gzip
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import migrated_app  # noqa: E402
from tests.support.live_server import live_server  # noqa: E402

BUDGET = 60 * 1024
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def first_load(browser, url: str, locale: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale=locale)
    page = context.new_page()
    sizes: dict[str, int] = {}

    def on_response(response) -> None:  # type: ignore[no-untyped-def]
        catalog = "/i18n/" in response.url  # the active language's messages, fetched
        if response.request.resource_type in ("document", "script", "stylesheet") or catalog:
            sizes[response.url] = len(gzip.compress(response.body(), compresslevel=6))

    page.on("response", on_response)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(sizes.values()), len(sizes)


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="relieflog-bench-") as workdir:
        database_url = f"sqlite:///{workdir}/bench.db"
        migrated_app(database_url)
        with live_server(database_url, workers=1) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            print("first load (gzipped HTML + JS + CSS + the language's catalog, as fetched "
                  "by Chromium at 390x844)")
            for locale in ("en-GB", "es-ES"):
                for path in ("/login", "/share"):
                    total, files = first_load(browser, f"{server.url}{path}", locale)
                    print(f"  {locale} {path:<8} {total / 1024:6.1f} KB in {files:2} files"
                          f"   ratio {total / BUDGET:.2f} of the 60 KB budget")
            browser.close()


if __name__ == "__main__":
    main()
