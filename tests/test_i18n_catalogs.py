"""The message catalogs (web/i18n/*.json) against each other and against the code that uses
them (issue 12). No browser: the files are read as text.

How a key counts as used:
- static: `t("key", …)` (also `i18n.t("key")`) in a script, `data-i18n="key"` or
  `data-i18n-attr="attr:key;attr:key"` in markup; these must exist in en.json;
- dynamic: a template literal `t(`prefix.${…}`)` (e.g. t(`settings.event.${event}`))
  makes every key starting with "prefix." used; the code keeps the list of names it
  accepts (a Set or array beside it) and prints unknown ones as they come;
- by name: a key written as a quoted string anywhere in web/ (e.g. a lookup table such as
  problems.js' "status field" → "errors.…") counts as used.
Every key in en.json must be used in one of these ways, so a catalog never keeps dead
strings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parent.parent / "web"
CATALOGS = WEB / "i18n"
BASE = "en"
PLURAL_CATEGORIES = {"zero", "one", "two", "few", "many", "other"}
# The categories each language's plural messages must have. Spanish also has "many" (for
# 1 000 000 and up, by CLDR 42); t() falls back to "other" for it, which reads right there.
REQUIRED_PLURALS = {"en": {"one", "other"}, "es": {"one", "other"}}

STATIC_CALL = re.compile(r"""\bt\(\s*["']([^"'`]+)["']""")
DYNAMIC_CALL = re.compile(r"""\bt\(\s*`([^`$]*)\$\{""")
DATA_I18N = re.compile(r"""\bdata-i18n="([^"]+)\"""")
DATA_I18N_ATTR = re.compile(r"""\bdata-i18n-attr="([^"]+)\"""")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def without_comments(path: Path) -> str:
    """A script without its comments (which may show how to call t()); markup as it is."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".js":
        return text
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"(?m)(?:^|\s)//.*$", "", text)


def sources() -> dict[Path, str]:
    files = [p for p in WEB.rglob("*") if p.suffix in (".js", ".html")
             and "vendor" not in p.relative_to(WEB).parts]
    return {p: without_comments(p) for p in sorted(files)}


def catalog(language: str) -> dict[str, object]:
    return json.loads((CATALOGS / f"{language}.json").read_text(encoding="utf-8"))


def languages() -> list[str]:
    return sorted(p.stem for p in CATALOGS.glob("*.json"))


def static_keys(text: str) -> set[str]:
    keys = set(STATIC_CALL.findall(text)) | set(DATA_I18N.findall(text))
    for spec in DATA_I18N_ATTR.findall(text):
        for pair in spec.split(";"):
            if ":" in pair:
                keys.add(pair.split(":", 1)[1].strip())
    return keys


def placeholders(value: object) -> set[str]:
    texts = value.values() if isinstance(value, dict) else [value]
    return {name for text in texts for name in PLACEHOLDER.findall(str(text))}


def test_the_shipped_languages_have_catalogs() -> None:
    assert {"en", "es"} <= set(languages())
    i18n = (WEB / "js" / "i18n.js").read_text(encoding="utf-8")
    found = re.search(r"export const LANGUAGES = \[(.*?)\];", i18n)
    assert found, "LANGUAGES not found in i18n.js"
    assert sorted(re.findall(r'"(\w+)"', found.group(1))) == languages()


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_catalog_is_flat_sorted_and_indented_by_two(language: str) -> None:
    path = CATALOGS / f"{language}.json"
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert isinstance(data, dict)
    assert list(data) == sorted(data), f"{path.name}: keys are not sorted"
    assert text == json.dumps(data, ensure_ascii=False, indent=2) + "\n", (
        f"{path.name}: not in the canonical layout (2-space indent, UTF-8, newline at the end)")
    for key, value in data.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z0-9_][a-z0-9_.-]*)+", key), (
            f"{key!r}: keys are dotted names such as 'login.title', never sentences")
        if isinstance(value, dict):
            assert set(value) <= PLURAL_CATEGORIES, f"{key}: {sorted(value)}"
            assert all(isinstance(v, str) and v for v in value.values()), key
        else:
            assert isinstance(value, str) and value, f"{key}: empty or not a string"


def test_every_language_has_exactly_the_english_keys() -> None:
    base = set(catalog(BASE))
    for language in languages():
        keys = set(catalog(language))
        assert sorted(base - keys) == [], f"{language}.json is missing these"
        assert sorted(keys - base) == [], f"{language}.json has keys en.json lacks"


def test_plural_messages_have_the_categories_each_language_needs() -> None:
    base = catalog(BASE)
    for language in languages():
        data = catalog(language)
        needed = REQUIRED_PLURALS.get(language, {"other"})
        for key, value in data.items():
            assert isinstance(value, dict) == isinstance(base.get(key), dict), (
                f"{language}.json {key}: plural in one catalog, plain in the other")
            if isinstance(value, dict):
                assert needed <= set(value), f"{language}.json {key}: needs {sorted(needed)}"


def test_translations_keep_the_english_placeholders() -> None:
    base = catalog(BASE)
    for language in languages():
        for key, value in catalog(language).items():
            assert placeholders(value) == placeholders(base[key]), f"{language}.json {key}"


def test_every_key_the_code_asks_for_exists() -> None:
    known = set(catalog(BASE))
    missing = {f"{path.relative_to(WEB)}: {key}"
               for path, text in sources().items() for key in static_keys(text)
               if key not in known}
    assert sorted(missing) == []


def test_every_english_key_is_used_somewhere_in_web() -> None:
    texts = sources().values()
    used = set().union(*(static_keys(text) for text in texts))
    prefixes = {prefix for text in texts for prefix in DYNAMIC_CALL.findall(text)}
    everything = "\n".join(texts)
    unused = [key for key in catalog(BASE)
              if key not in used
              and not any(key.startswith(prefix) for prefix in prefixes if prefix)
              and f'"{key}"' not in everything and f"'{key}'" not in everything]
    assert unused == []


def test_each_language_has_its_manifest() -> None:
    """manifest.webmanifest is English; each other language has manifest.LANG.webmanifest
    with the same fields, its own name and description, and its lang."""
    english = json.loads((WEB / "manifest.webmanifest").read_text(encoding="utf-8"))
    app = (WEB / "js" / "app.js").read_text(encoding="utf-8")
    for language in [lang for lang in languages() if lang != BASE]:
        path = WEB / f"manifest.{language}.webmanifest"
        translated = json.loads(path.read_text(encoding="utf-8"))
        assert translated["lang"] == language
        assert set(translated) == set(english)
        for name in set(english) - {"name", "description", "lang"}:
            assert translated[name] == english[name], f"{path.name}: {name}"
        assert translated["description"] != english["description"]
        assert f'"/manifest.{language}.webmanifest"' in app, "app.js does not link it"


def test_the_reports_catalog_scope_has_every_key_the_report_uses(client) -> None:
    """The provider's page fetches /i18n/<code>.json?scope=report (a smaller first load);
    every key its modules (share.js and what it imports, and chart.js) and share.html use
    must be in that scope, or the report would show a key instead of words. The words of its
    questionnaire part come in ?scope=questionnaires, which that part (checkins-report.js)
    fetches before it shows anything; those of its session-safety part in ?scope=safety
    (safety-report.js); a clinic patient's report's own words in ?scope=clinic."""
    from api.web import (
        CLINIC_REPORT_KEYS,
        INSIGHTS_KEYS,
        QUESTIONNAIRE_KEYS,
        REPORT_KEYS,
        SAFETY_KEYS,
    )

    modules = {"share.js"}
    pending = ["share.js", "chart.js"]
    while pending:
        name = pending.pop()
        modules.add(name)
        text = (WEB / "js" / name).read_text(encoding="utf-8")
        for found in re.findall(r'from "\./([\w-]+\.js)"|import\("\./([\w-]+\.js)"\)', text):
            target = found[0] or found[1]
            if target not in modules:
                pending.append(target)
    texts = [without_comments(WEB / "js" / name) for name in modules]
    texts.append((WEB / "share.html").read_text(encoding="utf-8"))
    used = set().union(*(static_keys(text) for text in texts))
    dynamic = {prefix for text in texts for prefix in DYNAMIC_CALL.findall(text) if prefix}
    outside = sorted(key for key in used | dynamic if not key.startswith(REPORT_KEYS))
    assert outside == []
    # Questionnaire words only where the second scope is loaded first: its own modules, and
    # chart.js's questionnaire chart, which only checkins-report.js draws.
    later = {name for name in modules if name != "chart.js" and any(
        key.startswith(QUESTIONNAIRE_KEYS)
        for key in static_keys(without_comments(WEB / "js" / name)))}
    assert later <= {"checkins-report.js", "checkin-tables.js"}, later
    assert 'extend("questionnaires")' in (WEB / "js" / "checkins-report.js").read_text()
    # The same for the safety part: its words only in its own modules (and chart.js's
    # medication markers, which only a report with that part has).
    safety = {name for name in modules if name != "chart.js" and any(
        key.startswith(SAFETY_KEYS) for key in static_keys(without_comments(WEB / "js" / name))
        | set(DYNAMIC_CALL.findall(without_comments(WEB / "js" / name))))}
    assert safety <= {"safety-report.js", "safety.js"}, safety
    assert 'extend("safety")' in (WEB / "js" / "safety-report.js").read_text()
    # A clinic patient's report's own words likewise, only in clinic-report.js.
    clinical = {name for name in modules if any(
        key.startswith(CLINIC_REPORT_KEYS)
        for key in static_keys(without_comments(WEB / "js" / name)))}
    assert clinical <= {"clinic-report.js"}, clinical
    assert 'extend("clinic")' in (WEB / "js" / "clinic-report.js").read_text()
    # "What goes with better days" likewise, only in insights.js, which fetches its words.
    insightful = {name for name in modules if any(
        key.startswith(INSIGHTS_KEYS)
        for key in static_keys(without_comments(WEB / "js" / name)))}
    assert insightful <= {"insights.js"}, insightful
    assert 'extend("insights")' in (WEB / "js" / "insights.js").read_text()
    scopes = {name: client.get(f"/i18n/es.json?scope={name}").get_json()
              for name in ("report", "questionnaires", "safety", "clinic", "insights")}
    prefixes = {"report": REPORT_KEYS, "questionnaires": QUESTIONNAIRE_KEYS,
                "safety": SAFETY_KEYS, "clinic": CLINIC_REPORT_KEYS, "insights": INSIGHTS_KEYS}
    for name, words in scopes.items():
        assert words and all(key.startswith(prefixes[name]) for key in words), name
    every = [key for words in scopes.values() for key in words]
    assert len(every) == len(set(every)), "a key in two scopes"
    assert set(every) == {k for k in catalog("es") if k.startswith(REPORT_KEYS)}
    assert client.get("/i18n/es.json?scope=other").status_code == 404
    assert client.get("/i18n/xx.json").status_code == 404
