"""The README stays a front door (at most 15 KB: what it is, the two commands, the
essential settings, where the docs are), and no link in the docs leads nowhere."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", ROOT / "SECURITY.md", ROOT / "web" / "README.md",
         *sorted((ROOT / "docs").glob("*.md"))]


def test_the_readme_is_at_most_15_kb_and_shows_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.encode()) <= 15 * 1024
    assert "make run" in text and "make test" in text


def test_every_relative_link_in_the_docs_leads_to_a_file():
    broken = []
    for page in PAGES:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)\s]*)?\)", page.read_text("utf-8")):
            if not target.startswith(("http://", "https://", "mailto:")) \
                    and not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert broken == []
