"""Issue 22's small leftovers, kept as rules of the code: services and schemas take plain
values (never the request or `g`), and libraries are extended through their public hooks
only, so an upgrade cannot silently change the API."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path
from types import ModuleType

from api.config import ROOT

API = ROOT / "api"
# Flask's request-bound objects: only routes (and the plumbing around them) read these.
REQUEST_BOUND = {"request", "g", "session", "has_request_context"}
# The documented override points of marshmallow's custom fields (marshmallow's "Creating
# a field class": implement _serialize and/or _deserialize).
PUBLIC_HOOKS = {"_serialize", "_deserialize"}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), str(path))


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _modules() -> list[ModuleType]:
    return [importlib.import_module(f"api.{info.name}")
            for info in pkgutil.walk_packages([str(API)], prefix="")]


def test_services_and_schemas_never_read_the_request():
    found = []
    for path in sorted([*API.rglob("service.py"), *API.rglob("schemas.py")]):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ImportFrom) and node.module == "flask":
                found += [f"{path.relative_to(ROOT)}: {alias.name}" for alias in node.names
                          if alias.name in REQUEST_BOUND]
    assert found == []


def test_library_classes_are_extended_through_public_hooks_only():
    """No class of the app overrides a library's private method, and no module imports
    from a library's private module or a private name."""
    found = []
    for module in _modules():
        for cls in vars(module).values():
            if not isinstance(cls, type) or cls.__module__ != module.__name__:
                continue
            libraries = [base for base in cls.__mro__[1:] if not base.__module__.startswith("api")]
            found += [f"{cls.__module__}.{cls.__qualname__}.{name}"
                      for name, value in vars(cls).items()
                      if inspect.isfunction(value) and _private(name) and name not in PUBLIC_HOOKS
                      and any(name in vars(base) for base in libraries)]
    for path in sorted(API.rglob("*.py")):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                    and not node.module.startswith("api"):
                # flask-smorest's public API is its package's names, not its submodules.
                if node.module.startswith("flask_smorest.") or any(
                        _private(part) for part in node.module.split(".")):
                    found.append(f"{path.relative_to(ROOT)}: from {node.module}")
                found += [f"{path.relative_to(ROOT)}: {alias.name}" for alias in node.names
                          if _private(alias.name)]
    assert found == []
