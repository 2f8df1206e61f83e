"""Keys built at run time (vocab.route.<key>, conflicts.field.<field>, …) exist in every
catalog: they are built here from vocabulary.js's and outbox.js's lists, which the generic
catalog checks (tests/test_i18n_catalogs.py) cannot see."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

WEB = Path(__file__).resolve().parent.parent / "web"
JS = WEB / "js"
MODULES = ["screens/today.js", "screens/history.js", "screens/day.js", "entry-form.js",
           "screens/treatments.js", "screens/treatment.js", "conflicts.js", "controls.js",
           "vocabulary.js"]
PREFIXES = ("today.", "history.", "day.", "entry.", "treatments.", "conflicts.", "controls.",
            "vocab.", "sync.")
LITERAL = re.compile(r"""\bt\(\s*["']([\w.]+)["']""")
TEMPLATE = re.compile(r"""\bt\(\s*`([\w.]+)\$\{""")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def catalog(language: str) -> dict[str, Any]:
    return json.loads((WEB / "i18n" / f"{language}.json").read_text(encoding="utf-8"))


def vocabulary_pairs(name: str, module: str = "vocabulary.js") -> list[tuple[str, str]]:
    source = (JS / module).read_text()
    found = re.search(rf"export const {name} = \[(.*?)\n\];", source, re.S)
    assert found, name
    return re.findall(r'\[\s*"([^"]+)"\s*,\s*"([^"]+)"\s*\]', found.group(1))


def used_keys() -> set[str]:
    keys: set[str] = set()
    for module in MODULES:
        keys.update(LITERAL.findall((JS / module).read_text()))
    for name, module in (("SIDE_EFFECTS", "vocabulary.js"), ("ROUTES", "vocabulary.js"),
                         ("PHASES", "vocabulary.js"), ("MED_CLASSES", "safety-words.js"),
                         ("CONCOMITANT", "safety-words.js"), ("BP_PHASES", "safety-words.js")):
        for key, message in vocabulary_pairs(name, module):
            assert message.endswith(f".{key}"), (name, key, message)
            keys.add(message)
    for key, message in vocabulary_pairs("SEVERITIES", "questionnaires.js"):
        assert message == f"vocab.severity.{key}", key
        keys.add(message)
    for scale in ("pain", "mood", "anxiety", "energy", "sleep_quality", "dissociation"):
        keys.update(f"vocab.scale.{scale}.{part}" for part in ("label", "low", "high"))
    keys.add("vocab.scale.pain.meaning")
    fields = re.findall(r'"(\w+)"', " ".join(re.findall(
        r"_FIELDS = \[(.*?)\];", (JS / "outbox.js").read_text(), re.S)))
    keys.update(f"conflicts.field.{field}" for field in fields)
    keys.update(f"history.score.{k}" for k in ("pain", "mood", "anxiety", "energy",
                                               "sleep_quality"))
    keys.update(f"day.score.{k}" for k in ("pain", "mood", "anxiety", "energy", "sleep_hours",
                                           "sleep_quality"))
    keys.update(f"today.hint_detail.{k}" for k in ("pain", "mood"))
    return keys


def test_every_template_key_is_listed_here() -> None:
    """A t(`prefix.${x}`) in a module needs its keys spelled out in used_keys() above."""
    prefixes = {p for m in MODULES for p in TEMPLATE.findall((JS / m).read_text())}
    assert prefixes <= {"vocab.scale.", "history.score.", "day.score.", "conflicts.field.",
                        "today.hint_detail."}, prefixes


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_dynamic_key_is_in_the_catalog(language: str) -> None:
    missing = sorted(used_keys() - set(catalog(language)))
    assert missing == []


def test_every_security_event_the_server_records_has_words_in_settings():
    """The Settings security log names each event in the account's words: every event the
    API can write (api/audit/models.py EVENTS) is in settings.js's list and in every
    catalog."""
    from api.audit.models import EVENTS

    listed = set(re.findall(r'"(\w+)"', re.search(
        r"const EVENTS = new Set\(\[(.*?)\]\);", (JS / "screens/settings.js").read_text(),
        re.S).group(1)))
    assert set(EVENTS) <= listed, set(EVENTS) - listed
    for language in ("en", "es"):
        words = catalog(language)
        assert {f"settings.event.{event}" for event in listed} <= set(words), language


# ---- Record kinds (issue 22): words for the names the API gives ----


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_declared_record_kind_has_its_words(alice, language: str) -> None:
    """Settings names each download GET /export lists by t(`settings.download.${kind}`),
    and the access log (sharing.js) each thing a provider opened by
    t(`sharing.view.${kind}`): the page, the report, the FHIR Bundle and each declared
    record kind's CSV. Both show the bare name when a key is missing, so a kind declared
    without its words fails here, naming the key."""
    from api.db.records import declared

    listed = alice.get("/api/v1/export").get_json()["items"]
    assert {item["kind"] for item in listed} == {kind.name for kind in declared()} | {"fhir"}
    wanted = {f"settings.download.{item['kind']}" for item in listed}
    wanted |= {f"sharing.view.{view}" for view in ("page", "trends", "fhir")}
    wanted |= {f"sharing.view.{kind.name}.csv" for kind in declared()}
    assert sorted(wanted - set(catalog(language))) == []


# ---- Catalog scopes (issue 21): each screen's words in the scope it loads ----

IMPORT = re.compile(r"""(?:\bfrom\s+|\bimport\s+)["'](\.{1,2}/[\w/.-]+\.js)["']""")
DYNAMIC_IMPORT = re.compile(r"""\bimport\(\s*["'](\.{1,2}/[\w/.-]+\.js)["']\s*\)""")
EXTEND = re.compile(r"""\bextend\(\s*["']([\w-]+)["']\s*\)""")
SCREEN = re.compile(r"""(\w+): \[\(\) => import\("\./(screens/[\w-]+\.js)"\), "([\w-]+)"\]""")


def module_text(module: Path) -> str:
    from tests.test_i18n_catalogs import without_comments

    return without_comments(module)


def keys_of(module: Path, words: dict[str, Any]) -> set[str]:
    """The catalog keys a module asks for: t("key") and data-i18n, a template's prefix
    (every key under it), and a key named in a list ("vocab.route.oral")."""
    from tests.test_i18n_catalogs import DYNAMIC_CALL, static_keys

    text = module_text(module)
    keys = static_keys(text) | {key for key in words if f'"{key}"' in text}
    for prefix in DYNAMIC_CALL.findall(text):
        keys |= {key for key in words if prefix and key.startswith(prefix)}
    return keys


def loaded_with(entry: Path) -> list[Path]:
    """The modules that come with `entry`: what it imports, statically or on demand, and so
    on, except another screen (app.js's table loads it with its scope) and a module that
    loads a scope of its own (extend("…")): each is checked with its own."""
    seen: list[Path] = []
    pending = [entry.resolve()]
    while pending:
        module = pending.pop()
        if module in seen or not module.is_relative_to(JS.resolve()):
            continue
        if module != entry.resolve() and (EXTEND.search(module_text(module))
                                          or module.parent.name == "screens"):
            continue
        seen.append(module)
        text = module.read_text()
        pending += [(module.parent / spec).resolve()
                    for spec in IMPORT.findall(text) + DYNAMIC_IMPORT.findall(text)]
    return seen


def in_scopes(scopes: set[str], words: dict[str, Any]) -> set[str]:
    from api.web import SCOPES

    return {key for key in words if any(SCOPES[scope](key) for scope in scopes)}


def entries() -> list[tuple[str, Path, set[str]]]:
    """What the app loads with which scopes: the shell (app.js, index.html) with "app"; each
    screen of app.js's table with "app" and its own; each module that extends the catalog
    itself (the sync dialog) with "app" and that scope."""
    app = (JS / "app.js").read_text()
    found = [("app.js", JS / "app.js", {"app"})]
    found += [(name, JS / path, {"app", scope}) for name, path, scope in SCREEN.findall(app)]
    reached = {m for _, module, _ in found for m in loaded_with(module)}
    imported = {(m.parent / spec).resolve() for m in reached
                for spec in IMPORT.findall(m.read_text()) + DYNAMIC_IMPORT.findall(m.read_text())}
    for module in sorted(JS.rglob("*.js")):
        scopes = set(EXTEND.findall(module_text(module)))
        if scopes and module.resolve() in imported:
            found.append((module.name, module, {"app", *scopes}))
    return found


def test_every_screen_is_in_the_table_with_a_scope_the_server_knows() -> None:
    from api.web import APP_SCOPES

    app = (JS / "app.js").read_text()
    screens = SCREEN.findall(app)
    assert len(screens) == app.count("import(\"./screens/"), "a screen without its scope"
    named = {scope for _, _, scope in screens} | {"app"} | {
        scope for name, _, scopes in entries() for scope in scopes}
    assert named == set(APP_SCOPES), "a scope the app never loads, or one the server lacks"
    # The worker keeps exactly these for offline use.
    listed = re.search(r"const CATALOG_SCOPES = \[(.*?)\];", (WEB / "sw.js").read_text(), re.S)
    assert listed, "CATALOG_SCOPES not found in sw.js"
    assert re.findall(r'"([\w-]+)"', listed.group(1)) == list(APP_SCOPES)


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_module_finds_its_words_in_the_scopes_it_is_shown_with(language: str) -> None:
    """A key a screen's module uses but another scope holds would show raw on that screen:
    every key used by a screen's modules (and the shell's, and the sync dialog's) is in the
    scopes loaded with them (api/web.py, APP_SCOPES)."""
    words = catalog(language)
    missing = []
    for name, entry, scopes in entries():
        allowed = in_scopes(scopes, words)
        for module in loaded_with(entry):
            missing += [f"{name} ({module.relative_to(JS)}): {key}"
                        for key in sorted(keys_of(module, words) - allowed)]
    shell = in_scopes({"app"}, words)
    missing += [f"index.html: {key}" for key in sorted(
        keys_of(WEB / "index.html", words) - shell)]
    assert missing == []


def test_a_scope_holds_only_its_prefixes_and_the_app_scopes_cover_the_app(client) -> None:
    from api.web import APP_SCOPES

    words = catalog("es")
    for scope, prefixes in APP_SCOPES.items():
        served = client.get(f"/i18n/es.json?scope={scope}").get_json()
        assert served == {key: value for key, value in words.items()
                          if key.startswith(prefixes)}, scope
        assert served, f"{scope}: empty"
