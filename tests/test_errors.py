"""Every error under /api is RFC 9457 problem+json; client input never causes a 500."""

from __future__ import annotations

import pytest


def assert_problem(response, status):
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    return body


def test_unknown_api_route_is_404_problem(alice):
    assert_problem(alice.get("/api/v1/nothing-here"), 404)


def test_wrong_method_is_405_problem_with_allow(alice):
    response = alice.delete("/api/v1/entries")
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_huge_body_is_413(alice):
    body = '{"notes": "' + "x" * (100 * 1024) + '"}'
    assert_problem(alice.put("/api/v1/entries/2026-03-01", data=body,
                             content_type="application/json"), 413)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x"])
def test_non_json_body_is_415(alice, content_type):
    response = alice.put("/api/v1/entries/2026-03-01", data='{"pain": 1}',
                         content_type=content_type)
    assert_problem(response, 415)
    assert alice.get("/api/v1/entries/2026-03-01").status_code == 404


@pytest.mark.parametrize("raw", ['{"pain": 1', "{pain: 1}", "", "\xff\xfe", "[1,2"])
def test_malformed_json_is_400_or_422(alice, raw):
    response = alice.put("/api/v1/entries/2026-03-01", data=raw.encode("latin-1"),
                         content_type="application/json")
    body = assert_problem(response, 400)
    assert body["errors"]


@pytest.mark.parametrize("raw", ["[1, 2]", '"pain"', "null", "42", '{"pain": NaN}',
                                 '{"sleep_hours": Infinity}', '{"pain": 1e400}'])
def test_json_of_the_wrong_shape_is_422(alice, raw):
    response = alice.put("/api/v1/entries/2026-03-01", data=raw, content_type="application/json")
    assert_problem(response, 422)


def test_login_route_errors_are_problems_too(client):
    assert_problem(client.post("/api/v1/auth/login", data="x", content_type="text/plain"), 415)
    assert_problem(client.post("/api/v1/auth/login", json={"email": "a"}), 422)


def test_pages_keep_html_errors(client):
    response = client.get("/no-such-page.html")
    assert response.status_code == 404
    assert response.content_type.startswith("text/html")


def test_health_and_openapi(client):
    from openapi_spec_validator import validate

    assert client.get("/healthz").get_json() == {"status": "ok"}
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)  # raises on an invalid OpenAPI 3.1 document
    assert "/api/v1/entries/{day}" in spec["paths"]
    put = spec["paths"]["/api/v1/entries/{day}"]["put"]
    assert {"200", "201", "412", "422"} <= set(put["responses"])


def test_every_documented_error_is_problem_json(client):
    """flask-smorest documents each status's answer and its default error as components
    (application/json by default): every error answer of every operation is documented as
    what it is, application/problem+json."""
    spec = client.get("/api/v1/openapi.json").get_json()
    components = spec["components"]["responses"]
    answers = [(f"{method} {path} {status}", answer)
               for path, operations in spec["paths"].items()
               for method, operation in operations.items() if isinstance(operation, dict)
               for status, answer in operation.get("responses", {}).items()
               if status == "default" or int(status) >= 400]
    assert len(answers) > 100
    for where, answer in answers:
        if "$ref" in answer:
            answer = components[answer["$ref"].rsplit("/", 1)[1]]
        if "content" not in answer:  # an alt_response that only describes when it happens
            continue
        assert list(answer["content"]) == ["application/problem+json"], where
    assert components["DEFAULT_ERROR"]["description"] == "Problem details"
