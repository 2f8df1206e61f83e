"""Installable and locked down: the manifest and its icons, the security headers on every
page, and a service worker that never keeps an /api/ response."""

from __future__ import annotations

import struct

import pytest
import requests

from tests.e2e.conftest import Phone
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.e2e

PAGES = ["/", "/today", "/history", "/history/2026-01-05", "/treatments", "/treatments/new",
         "/trends", "/share-links", "/settings", "/login", "/register", "/reset", "/share",
         "/api/docs"]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_manifest_and_icons(server: LiveServer) -> None:
    manifest = requests.get(f"{server.url}/manifest.webmanifest", timeout=10).json()
    assert manifest["start_url"] == "/today"
    assert manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"] == "Relieflog"
    assert manifest["theme_color"] and manifest["background_color"]
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"),
            ("512x512", "maskable")} <= purposes
    for icon in manifest["icons"]:
        data = requests.get(server.url + icon["src"], timeout=10).content
        width, height = png_size(data)
        assert f"{width}x{height}" == icon["sizes"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_a_strict_csp(server: LiveServer, path: str) -> None:
    response = requests.get(server.url + path, timeout=10)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for directive in ("frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'",
                      "script-src 'self'", "style-src 'self'"):
        assert directive in csp
    assert "<script>" not in response.text and " style=" not in response.text
    if path == "/share":  # the provider's page: no referrer, no cache, no index
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        assert "noindex" in response.headers["X-Robots-Tag"]


def test_only_site_files_are_served(server: LiveServer) -> None:
    for path in ("/icons/generate.py", "/vendor/README.md", "/vendor/uplot/LICENSE", "/index.html"):
        assert requests.get(server.url + path, timeout=10).status_code == 404


@pytest.mark.worker
def test_service_worker_caches_the_shell_and_never_the_api(phone: Phone) -> None:
    phone.sign_up()
    phone.wait_for_service_worker()
    phone.goto("/trends")
    phone.page.locator(".chart canvas, .empty").first.wait_for()
    cached = phone.page.evaluate("""async () => {
        const names = await caches.keys();
        const urls = [];
        for (const name of names) {
            for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
        }
        return {names, urls};
    }""")
    assert len(cached["names"]) == 1 and cached["names"][0].startswith("relieflog-shell-")
    paths = {url.removeprefix(phone.url) for url in cached["urls"]}
    assert {"/", "/js/app.js", "/css/app.css", "/vendor/uplot/uPlot.iife.min.js"} <= paths
    assert not any(path.startswith("/api/") for path in paths)
    phone.assert_clean()
