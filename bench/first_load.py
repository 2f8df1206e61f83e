"""The first visit's bytes: a new visitor opens /login, logs in, and Today is usable, in an
English and a Spanish browser (HTML, JS, CSS and the message catalog's scopes, each body
gzipped, as Chromium fetches them from a live server, whoever asks: the page or the service
worker); then what the worker keeps afterwards; and the provider's report. Printed against
issue 21's 30 KB budget (docs/benchmarks.md, "First load")."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import migrated_app  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, Phone, _workers  # noqa: E402
from tests.e2e.test_budget import BUDGET, counted, first_visit, gzipped, new_account  # noqa: E402
from tests.support.live_server import live_server  # noqa: E402


def report_page(browser, server, locale: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """The provider's report page (a fresh browser, the page before any data)."""
    context = browser.new_context(viewport=PHONE, locale=locale)
    page = context.new_page()
    sizes: dict[str, int] = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, gzipped(r)) if counted(r) else None)
    page.goto(f"{server.url}/share")
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(sizes.values()), len(sizes)


def main() -> None:
    from playwright.sync_api import sync_playwright

    _workers["allow"] = True  # the first visit installs the service worker, as a phone does
    with tempfile.TemporaryDirectory(prefix="relieflog-bench-") as workdir:
        database_url = f"sqlite:///{workdir}/bench.db"
        migrated_app(database_url)
        with live_server(database_url, workers=1) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            print("first visit: /login -> log in -> Today usable (gzipped HTML + JS + CSS + "
                  "catalog scopes, page and worker, Chromium at 390x844)")
            for locale in ("en-GB", "es-ES"):
                context = browser.new_context(viewport=PHONE, locale=locale)
                phone = Phone(server, context, context.new_page())
                phone.email = new_account(server)
                visit = first_visit(phone)
                after = sum(visit.after.values())
                print(f"  {locale} first visit {visit.total / 1024:6.1f} KB ({visit.total:,} B) in "
                      f"{len(visit.before):2} files   ratio {visit.total / BUDGET:.2f} of the "
                      f"30 KB budget; then the worker keeps {after / 1024:.1f} KB "
                      f"({len(visit.after)} files, after Today is usable, at low priority)")
                if "-v" in sys.argv:
                    for url, size in sorted(visit.before.items(), key=lambda item: -item[1]):
                        print(f"      {size:6} B  {url.removeprefix(server.url)}")
                context.close()
            for locale in ("en-GB", "es-ES"):
                total, files = report_page(browser, server, locale)
                print(f"  {locale} /share     {total / 1024:6.1f} KB in {files:2} files   "
                      f"ratio {total / BUDGET:.2f} of 30 KB")
            browser.close()


if __name__ == "__main__":
    main()
