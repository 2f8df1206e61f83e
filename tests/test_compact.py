"""The PWA's scripts and stylesheets as served (api/compact.py): the same code without its
comments and indentation, every line on its line."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from api.compact import Unreadable, compact_css, compact_js

WEB = Path(__file__).resolve().parent.parent / "web"
SCRIPTS = sorted((WEB / "js").rglob("*.js"))
STYLES = sorted((WEB / "css").glob("*.css"))


def test_comments_and_indentation_go_and_the_code_stays() -> None:
    source = """// a comment line
const a = 1; // after code
/* a block
   over two lines */ const b = "// not a comment", c = '/* nor this */';
function f(x) {
  return /^\\/\\/[a-z/]+$/i.test(x) ? x / 2 / a : `${x} // kept
    indented ${{ y: `inner ${b}` }.y} /* kept */`;
}
const d = [1, 2].map((n) => n / 2), e = /[/]/g;
"""
    assert compact_js(source) == """
const a = 1;

const b = "// not a comment", c = '/* nor this */';
function f(x) {
return /^\\/\\/[a-z/]+$/i.test(x) ? x / 2 / a : `${x} // kept
    indented ${{ y: `inner ${b}` }.y} /* kept */`;
}
const d = [1, 2].map((n) => n / 2), e = /[/]/g;
"""


def test_a_script_it_cannot_follow_is_refused() -> None:
    for broken in ('const a = "open;\n', "const a = /open;\n", "/* open", "`open ${1}"):
        with pytest.raises(Unreadable):
            compact_js(broken)


@pytest.mark.parametrize("path", SCRIPTS + STYLES, ids=lambda p: p.name)
def test_every_file_keeps_its_lines_and_loses_its_comments(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    compact = (compact_js if path.suffix == ".js" else compact_css)(source)
    assert compact.count("\n") == source.count("\n")  # a stack trace names the source line
    assert len(compact) < len(source)
    assert not re.search(r"(?m)^\s*(//|/\*)", compact), "a comment line was left"
    assert (compact_js if path.suffix == ".js" else compact_css)(compact) == compact
    # Only taken away, never changed or added: the served text is a subsequence of the file.
    rest = iter(source)
    assert all(char in rest for char in compact)


def test_the_server_sends_them_compacted_and_revalidates(client: FlaskClient) -> None:
    served = client.get("/js/app.js")
    assert served.status_code == 200
    assert served.mimetype == "text/javascript"
    source = (WEB / "js" / "app.js").read_text(encoding="utf-8")
    assert served.get_data(as_text=True) == compact_js(source)
    assert served.headers["Cache-Control"] == "no-cache" and served.headers["ETag"]
    again = client.get("/js/app.js", headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/css/app.css").get_data(as_text=True) == compact_css(
        (WEB / "css" / "app.css").read_text(encoding="utf-8"))
    vendor = WEB / "vendor" / "uplot" / "uPlot.iife.min.js"
    with client.get("/vendor/uplot/uPlot.iife.min.js") as as_is:
        assert as_is.data == vendor.read_bytes()
    assert client.get("/js/../../api/web.py").status_code == 404
    assert client.get("/js/nothing.js").status_code == 404


@pytest.mark.parametrize("path", ["/js/app.js", "/css/app.css", "/vendor/uplot/uPlot.iife.min.js"])
def test_a_browser_that_accepts_gzip_gets_them_gzipped(client: FlaskClient, path: str) -> None:
    """Scripts and stylesheets gzipped when the browser accepts it (a phone on a slow line
    waits for a third of the bytes), the same text once unpacked, revalidated the same way."""
    plain = client.get(path)
    packed = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert all("Accept-Encoding" in r.headers["Vary"] for r in (plain, packed))
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2
    assert packed.headers["ETag"] != plain.headers["ETag"]
    again = client.get(path, headers={"Accept-Encoding": "gzip",
                                      "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
    refused = client.get(path, headers={"Accept-Encoding": "gzip;q=0, br"})
    assert "Content-Encoding" not in refused.headers and refused.data == plain.data
