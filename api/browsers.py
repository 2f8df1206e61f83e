"""A coarse description of a browser ("Chrome on Android") for the patient's logs:
words from a fixed list, so nothing the client sent is stored, and too coarse to
fingerprint anyone."""

from __future__ import annotations

import re

from flask import request

# Checked in order: Edge and Opera say "Chrome" too, Chrome says "Safari" too.
_BROWSERS = (
    ("Edg", "Edge"), ("OPR/", "Opera"), ("Opera", "Opera"), ("Firefox/", "Firefox"),
    ("FxiOS", "Firefox"), ("SamsungBrowser", "Samsung Internet"), ("CriOS", "Chrome"),
    ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"),
    ("curl/", "curl"), ("python-requests", "a script"), ("Wget", "Wget"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("CrOS", "ChromeOS"),
    ("Windows", "Windows"), ("Macintosh", "macOS"), ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)
_EDGE = re.compile(r"\bEdg(A|iOS|e)?/")


def browser_of(user_agent: str) -> str:
    """"Chrome on Windows": words from a fixed list, so nothing the client sent is stored."""
    browser = next((name for marker, name in _BROWSERS
                    if (_EDGE.search(user_agent) if marker == "Edg" else marker in user_agent)),
                   None)
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return browser or f"A browser on {system}"
    return "Unknown browser"


def request_browser() -> str:
    """The browser of the request being answered: a route passes it to a service whose
    security log names it (services never read the request)."""
    return browser_of(request.headers.get("User-Agent", ""))
