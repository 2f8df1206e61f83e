"""The architecture as code: the packages under api/ import each other in one direction
only, and the database's machinery has one home."""

from __future__ import annotations

import ast
from pathlib import Path

from api.config import ROOT

API = ROOT / "api"


def packages(root: Path = API) -> tuple[str, ...]:
    """Every package directly under `root`: each folder with an __init__.py."""
    return tuple(sorted(path.parent.name for path in root.glob("*/__init__.py")))


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def domain_graph(root: Path = API) -> dict[str, set[str]]:
    """package -> the other packages its modules import (at any depth, also inside
    functions)."""
    names = packages(root)
    graph: dict[str, set[str]] = {name: set() for name in names}
    for name in names:
        for path in (root / name).rglob("*.py"):
            for module in _imports(path):
                parts = module.split(".")
                if len(parts) > 1 and parts[0] == "api" and parts[1] in names \
                        and parts[1] != name:
                    graph[name].add(parts[1])
    return graph


def _circle(graph: dict[str, set[str]]) -> list[str] | None:
    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return path[path.index(node):] + [node]
        for nxt in sorted(graph.get(node, set())):
            if (found := visit(nxt, [*path, node])) is not None:
                return found
        return None

    for start in sorted(graph):
        if (found := visit(start, [])) is not None:
            return found
    return None


def test_every_package_is_in_the_graph():
    """The domain list is the folders: a package added later is checked without a change
    here."""
    found = set(packages())
    assert {"analysis", "audit", "auth", "bladder", "clinics", "db", "entries", "export",
            "formats", "mail", "medications", "questionnaires", "reminders", "sharing",
            "summaries", "treatments", "trends"} <= found
    assert set(domain_graph()) == found


def test_packages_import_each_other_in_one_direction():
    graph = domain_graph()
    assert _circle(graph) is None, f"import circle: {' -> '.join(_circle(graph) or [])}"
    # The database's plumbing and the formats are below every domain.
    assert graph["db"] == set() and graph["formats"] == set()
    # The kept analysis listens to the writers; they do not call it by name.
    for writer in ("auth", "entries", "treatments", "questionnaires"):
        assert "summaries" not in graph[writer], writer
    assert "summaries" not in graph["analysis"] and "trends" not in graph["analysis"]
    # The three circles the security review found stay broken.
    assert "treatments" not in graph["entries"] and "entries" not in graph["treatments"]
    assert "export" not in graph["sharing"]
    assert "auth" not in graph["audit"]


def test_the_analysis_is_plain_functions():
    """api/analysis: no Flask, no database (STYLE.md), so every rule is tested without an
    app."""
    for path in (API / "analysis").rglob("*.py"):
        for module in _imports(path):
            assert module.split(".")[0] not in ("flask", "sqlalchemy", "flask_sqlalchemy"), path
            assert not module.startswith("api.db"), path


def test_the_circle_check_finds_a_circle(tmp_path):
    assert _circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _circle({"a": {"b"}, "b": set(), "c": {"a"}}) is None
    # A circle planted in files: an import inside a function, in a nested module, counts.
    for name, text in {"one/__init__.py": "", "one/module.py": "from api.two.deep import x\n",
                       "two/__init__.py": "",
                       "two/deep/rules.py": "def late():\n    import api.one.module\n",
                       "three/__init__.py": "import api.one\n",
                       "loose/module.py": "import api.one\n"}.items():  # no package
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert domain_graph(tmp_path) == {"one": {"two"}, "two": {"one"}, "three": {"one"}}
    assert _circle(domain_graph(tmp_path)) == ["one", "two", "one"]
    # The real graph with one of the circles this layout broke put back.
    planted = domain_graph()
    planted["entries"].add("summaries")
    assert set(_circle(planted) or []) == {"entries", "summaries"}


def test_database_plumbing_lives_in_api_db_only():
    """Transactions, SQLite tuning and engine events are api/db's; nobody guesses a
    transaction's kind from the request or from the session."""
    for path in (API / "db").glob("*.py"):
        assert "request.method" not in path.read_text(), path
    for path in API.rglob("*.py"):
        # backup.py copies whole database files with each database's own tools.
        if path.parent == API / "db" or path.name == "backup.py":
            continue
        text = path.read_text()
        # Nobody outside api/db asks what the transaction may do (WRITES, session.info)
        # or writes beside it (db.separately(), db.keep() is the declared way).
        for needle in ("event.listen", "PRAGMA", "session.commit(", "begin_nested(",
                       "WRITES", "session.info", "separately("):
            assert needle not in text, f"{needle} in {path.relative_to(ROOT)}"
    assert not (API / "prepared.py").exists() and not (API / "sqlite.py").exists()
