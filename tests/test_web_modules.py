"""Every name a PWA module imports is exported by the module it names: a missing export
breaks the whole screen at load time in the browser (a SyntaxError no unit test sees)."""

from __future__ import annotations

import re
from pathlib import Path

JS = Path(__file__).resolve().parents[1] / "web" / "js"
NAMED_IMPORT = re.compile(r"""import\s*\{([^}]*)\}\s*from\s*["'](\.{1,2}/[\w/.-]+\.js)["']""")
EXPORT = re.compile(
    r"""^export\s+(?:async\s+)?(?:function\*?|const|let|class)\s+([\w$]+)""", re.M)
EXPORT_LIST = re.compile(r"""^export\s*\{([^}]*)\}""", re.M)


def exports_of(module: Path) -> set[str]:
    text = module.read_text(encoding="utf-8")
    names = set(EXPORT.findall(text))
    for group in EXPORT_LIST.findall(text):
        names |= {part.split(" as ")[-1].strip() for part in group.split(",") if part.strip()}
    return names


def test_every_named_import_is_exported_by_its_module() -> None:
    missing = []
    for module in sorted(JS.rglob("*.js")):
        for names, spec in NAMED_IMPORT.findall(module.read_text(encoding="utf-8")):
            target = (module.parent / spec).resolve()
            assert target.is_file(), f"{module.relative_to(JS)} imports {spec}: no such file"
            exported = exports_of(target)
            for name in (n.split(" as ")[0].strip() for n in names.split(",")):
                if name and name not in exported:
                    missing.append(f"{module.relative_to(JS)}: {name} from {spec}")
    assert missing == []
