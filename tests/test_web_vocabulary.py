"""The PWA's copies of what the server owns stay the server's: the treatment routes, the side
effects and the new-password minimum in web/js/vocabulary.js match the OpenAPI document, and
the service worker's app shell (web/sw.js) lists exactly the files the app loads. The JS is
read with plain regular expressions; no browser needed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

WEB = Path(__file__).resolve().parent.parent / "web"
JS = WEB / "js"

# import x from "…"; import "…"; export … from "…"; import("…")
IMPORT = re.compile(r"""(?:\bimport|\bexport)\s[^;"'()]*?\bfrom\s*["']([^"']+)["']"""
                    r"""|\bimport\s*["']([^"']+)["']"""
                    r"""|\bimport\(\s*["']([^"']+)["']\s*\)""")
# An absolute path to a file of the app written in a script ("/vendor/uplot/uPlot.iife.min.js").
ASSET = re.compile(r"""["'](/(?:js|css|vendor|icons)/[^"'?#]+\.(?:js|css|png|svg|ico))["']""")
HTML_REF = re.compile(r"""<(?:link|script)\b[^>]*\b(?:href|src)="(/[^"]*)\"""")
CSS_URL = re.compile(r"""url\(\s*["']?(/[^"')]+)["']?\s*\)""")


# ---- Reading the JS ----

def js_list(source: str, name: str) -> str:
    """The text of `export const NAME = [ … ];`."""
    found = re.search(rf"export const {name} = \[(.*?)\n\];", source, re.S)
    assert found, f"{name} not found in vocabulary.js"
    return found.group(1)


def vocabulary_keys(name: str, module: str = "vocabulary.js") -> list[str]:
    """The keys of a [key, label] list in vocabulary.js (or `module`), in order."""
    return re.findall(r'\[\s*"([^"]+)"\s*,', js_list((JS / module).read_text(), name))


def password_min_length() -> int:
    source = (JS / "vocabulary.js").read_text()
    found = re.search(r"export const PASSWORD_MIN_LENGTH = (\d+);", source)
    assert found, "PASSWORD_MIN_LENGTH not found in vocabulary.js"
    return int(found.group(1))


def shell_list() -> list[str]:
    found = re.search(r"const SHELL = \[(.*?)\];", (WEB / "sw.js").read_text(), re.S)
    assert found, "SHELL not found in sw.js"
    return re.findall(r'"([^"]+)"', found.group(1))


def web_file(url_path: str) -> Path:
    """The file under web/ the server sends for an app path ("/" is the shell's HTML)."""
    return WEB / ("index.html" if url_path == "/" else url_path.lstrip("/"))


def url_of(path: Path) -> str:
    return "/" + path.relative_to(WEB).as_posix()


def code(path: Path) -> str:
    """A script without its comments (which may well mention `import("./chart.js")`)."""
    text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    return re.sub(r"(?m)(?:^|\s)//.*$", "", text)


def imports_of(module: Path) -> Iterator[Path]:
    """Every module `module` imports, statically or dynamically."""
    for groups in IMPORT.findall(code(module)):
        spec = next(g for g in groups if g)
        assert spec.startswith((".", "/")), f"{url_of(module)} imports {spec!r} from elsewhere"
        yield (WEB / spec.lstrip("/") if spec.startswith("/") else module.parent / spec).resolve()


def module_graph(entry: Path) -> dict[Path, list[Path]]:
    """Every module reachable from `entry`, each with what it imports."""
    graph: dict[Path, list[Path]] = {}
    todo = [entry.resolve()]
    while todo:
        module = todo.pop()
        if module in graph:
            continue
        assert module.is_file(), f"imported but missing: {module}"
        graph[module] = list(imports_of(module))
        todo.extend(graph[module])
    return graph


def shell_needs() -> set[str]:
    """What opening the app loads: the HTML, what it links, every module reachable from
    app.js, and the files those scripts and stylesheets name by path."""
    html = (WEB / "index.html").read_text()
    needed = {"/", *HTML_REF.findall(html)}
    for module in module_graph(JS / "app.js"):
        needed.add(url_of(module))
        needed.update(ASSET.findall(code(module)))
    for css in [p for p in needed if p.endswith(".css")]:
        needed.update(CSS_URL.findall(web_file(css).read_text()))
    return needed


# ---- The OpenAPI document ----

@pytest.fixture
def openapi(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def request_schema(openapi: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """The JSON body a route accepts, its $ref followed."""
    schema = openapi["paths"][f"/api/v1{path}"][method]["requestBody"]["content"][
        "application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[1]
    return openapi["components"]["schemas"][name]


# ---- Tests ----

def test_routes_and_side_effects_are_the_servers(openapi: dict[str, Any]) -> None:
    routes = vocabulary_keys("ROUTES")
    side_effects = vocabulary_keys("SIDE_EFFECTS")
    assert len(routes) == len(set(routes)) and len(side_effects) == len(set(side_effects))

    treatment = request_schema(openapi, "put", "/treatments/{treatment_id}")["properties"]
    assert set(routes) == set(treatment["route"]["enum"])
    assert set(side_effects) == set(treatment["side_effects"]["items"]["enum"])
    entry = request_schema(openapi, "put", "/entries/{day}")["properties"]
    assert set(side_effects) == set(entry["side_effects"]["items"]["enum"])


def test_new_password_minimum_is_the_servers(openapi: dict[str, Any]) -> None:
    minimum = password_min_length()
    new_passwords = {
        "register": request_schema(openapi, "post", "/auth/register")["properties"]["password"],
        "change": request_schema(openapi, "post", "/me/password")["properties"]["new_password"],
        "reset": request_schema(openapi, "post", "/auth/reset")["properties"]["new_password"],
    }
    assert {name: p.get("minLength") for name, p in new_passwords.items()} == dict.fromkeys(
        new_passwords, minimum)
    # The screens say and check the number through PASSWORD_MIN_LENGTH, never a copy of it.
    for module in JS.rglob("*.js"):
        source = module.read_text()
        assert not re.search(r'minlength: "\d+"|At least \d+ characters', source), url_of(module)


def test_every_shell_file_exists() -> None:
    shell = shell_list()
    assert len(shell) == len(set(shell)), "a file is listed twice"
    missing = [path for path in shell if not web_file(path).is_file()]
    assert missing == []


def test_shell_lists_exactly_what_the_app_loads() -> None:
    shell = set(shell_list())
    needed = shell_needs()
    # The install's icons may be cached too; nothing else that the app never loads.
    manifest = json.loads((WEB / "manifest.webmanifest").read_text())
    icons = {icon["src"] for icon in manifest["icons"]}
    assert sorted(needed - shell) == [], "loaded by the app but not cached for offline use"
    assert sorted(shell - needed - icons) == [], "cached but never loaded by the app"


def test_nothing_imports_the_shell_and_no_module_imports_itself_back() -> None:
    graph = module_graph(JS / "app.js")
    app = (JS / "app.js").resolve()
    assert [url_of(m) for m, deps in graph.items() if app in deps] == []

    done: set[Path] = set()

    def cycle_from(module: Path, path: list[Path]) -> list[str] | None:
        if module in path:
            return [url_of(m) for m in path[path.index(module):]] + [url_of(module)]
        if module in done:
            return None
        for dep in graph[module]:
            found = cycle_from(dep, [*path, module])
            if found:
                return found
        done.add(module)
        return None

    assert cycle_from(app, []) is None


def test_the_worker_keeps_each_catalog_it_fetches():
    """i18n.js fetches the active language's catalog before any screen renders; the worker
    caches catalogs when they are fetched (not at install, so only the active language is
    downloaded), and its rule must cover every language in LANGUAGES."""
    languages = re.search(r"export const LANGUAGES = \[(.*?)\];", (JS / "i18n.js").read_text())
    assert languages, "LANGUAGES not found in i18n.js"
    rule = re.search(r"const CATALOG = /(.*)/;", (WEB / "sw.js").read_text())
    assert rule, "no catalog rule in sw.js"
    pattern = re.compile(rule.group(1).replace("\\/", "/"))
    for code in re.findall(r'"([^"]+)"', languages.group(1)):
        assert pattern.fullmatch(f"/i18n/{code}.json"), code
        assert (WEB / "i18n" / f"{code}.json").exists(), code


def test_severity_words_are_the_bands_the_server_serves(client: FlaskClient) -> None:
    """questionnaires.js names every severity band GET /questionnaires uses, and no other;
    the bands' score ranges stay the server's (no number of theirs is in the PWA)."""
    severities = vocabulary_keys("SEVERITIES", "questionnaires.js")
    served = set()
    for lang in ("en", "es"):
        definitions = client.get(f"/api/v1/questionnaires?lang={lang}").get_json()
        served |= {band["severity"] for d in definitions["items"] for band in d["bands"]}
    assert len(severities) == len(set(severities))
    assert set(severities) == served


def test_the_pwa_keeps_no_copy_of_the_questionnaires() -> None:
    """Items, answers and recall lines come from GET /questionnaires only: none of the
    published wording is typed into a script, a page or a catalog."""
    from api.questionnaires.wording import WORDING

    texts: set[str] = set()
    for instruments in WORDING.values():
        for words in instruments.values():
            texts.update(words["items"])
            texts.update(words.get("options") or [])
            texts.add(words["recall"])
            if words.get("difficulty"):
                texts.add(words["difficulty"]["text"])
                texts.update(words["difficulty"]["options"])
    files = [p for p in WEB.rglob("*") if p.suffix in (".js", ".html", ".json")
             and "vendor" not in p.relative_to(WEB).parts]
    copies = sorted(f"{url_of(p)}: {text}" for p in files for text in texts
                    if len(text) > 8 and text in p.read_text(encoding="utf-8"))
    assert copies == []


def test_medication_classes_and_reading_phases_are_the_servers(openapi: dict[str, Any]) -> None:
    """The medication classes, the sedating ones a session takes (`concomitant`) and the
    phases of a blood-pressure reading are the API's, and every concomitant key is a class
    (the session form pre-fills them from the medication list by class)."""
    classes = vocabulary_keys("MED_CLASSES", "safety-words.js")
    concomitant = vocabulary_keys("CONCOMITANT", "safety-words.js")
    phases = vocabulary_keys("BP_PHASES", "safety-words.js")
    medication = request_schema(openapi, "put", "/medications/{medication_id}")["properties"]
    assert set(classes) == set(medication["class"]["enum"])
    treatment = request_schema(openapi, "put", "/treatments/{treatment_id}")["properties"]
    assert set(concomitant) == set(treatment["concomitant"]["items"]["enum"])
    assert set(concomitant) <= set(classes)
    reading = treatment["vitals"]["items"]
    if "$ref" in reading:
        reading = openapi["components"]["schemas"][reading["$ref"].rsplit("/", 1)[1]]
    assert set(phases) == set(reading["properties"]["phase"]["enum"])
