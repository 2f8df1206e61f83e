"""A provider's report as JSON: the body of /shared/trends (and of /shared/session when it
brings the report), a clinic's patient report and its panel, gzipped for a browser that
accepts it.

A report of 100 days is 34 KB of JSON and 4.4 KB gzipped: on a phone's connection that
is most of the time between the link opening and the report showing (docs/benchmarks.md,
"Lighthouse"). Compressing a response is unsafe when it holds a secret beside text an
attacker chose (BREACH: the compressed length then tells whether a guess matched). These
bodies hold neither: no token, cookie or key (the viewing cookie and the login session are
headers), and nothing taken from the request (the patient's data, the share's label and the
clinic's names were written by the patient and the clinic, not by whoever sends the
request). SECURITY.md, "Compressed responses", says which responses are and why.
"""

from __future__ import annotations

import gzip
from typing import Any

from flask import Response, json, request

# Under this, gzip's header and the work are not worth it.
SMALLEST = 1024


def report_json(body: dict[str, Any]) -> Response:
    """`body` (JSON-ready) as an application/json response, gzipped when the request
    accepts gzip and the body is over SMALLEST bytes; the same bytes otherwise."""
    data = json.dumps(body).encode("utf-8")
    response = Response(data, mimetype="application/json")
    response.vary.add("Accept-Encoding")
    if len(data) > SMALLEST and request.accept_encodings.quality("gzip") > 0:
        response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    return response
