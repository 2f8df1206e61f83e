"""HL7's FHIR R4 JSON Schema (vendored in tests/data/, provenance in its README) as one
check of a Bundle, shared by tests/test_fhir.py and the sweep of every record kind
(tests/test_record_kinds.py), so each kind's resources are held to it."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "data" / "fhir.schema.json"
# Elements the R4 specification requires (1..1) but its JSON Schema leaves optional, and
# those this export promises (category survey, a dosage with the route).
REQUIRED = {
    "Bundle": ("type",),
    "Observation": ("status", "code", "subject", "effectiveDateTime", "category"),
    "MedicationAdministration": ("status", "medicationCodeableConcept", "subject", "dosage"),
    "MedicationStatement": ("status", "medicationCodeableConcept", "subject",
                            "effectivePeriod"),
}


@functools.cache
def r4_validator() -> Callable[[dict[str, Any]], None]:
    """A check that fails (naming the element) unless a Bundle is valid FHIR R4."""
    schema = json.loads(SCHEMA_PATH.read_text())
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0"
    validator_class = jsonschema.validators.validator_for(schema)
    whole = validator_class(schema)
    by_type: dict[str, Any] = {}

    def check(bundle: dict[str, Any]) -> None:
        errors = list(whole.iter_errors(bundle))
        # The whole-document error of a oneOf says little; each resource against its own
        # definition says which element is wrong.
        for entry in bundle.get("entry", []):
            kind = entry["resource"]["resourceType"]
            if kind not in by_type:
                by_type[kind] = validator_class({"$ref": f"#/definitions/{kind}",
                                                 "definitions": schema["definitions"]})
            errors += list(by_type[kind].iter_errors(entry["resource"]))
        assert not errors, [f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors]
        for resource in [bundle] + [e["resource"] for e in bundle["entry"]]:
            for element in REQUIRED.get(resource["resourceType"], ()):
                if element == "effectiveDateTime":
                    assert "effectiveDateTime" in resource or "effectivePeriod" in resource
                else:
                    assert element in resource, (resource["resourceType"], element)
            if resource["resourceType"] == "MedicationAdministration":
                assert ("effectiveDateTime" in resource) != ("effectivePeriod" in resource)

    return check
