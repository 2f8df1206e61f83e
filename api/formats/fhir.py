"""A FHIR R4 Bundle (type collection) of the diary: pure functions over rows, no Flask, no DB.

One Observation per logged score (pain under LOINC, the other scales under Relieflog's
own CodeSystem because no standard code means exactly "0-10, 10 = best mood"), one
MedicationAdministration per treatment session with its blood pressure, heart rate and
SpO2 readings as vital-signs Observations part of it, one MedicationStatement per
medication on the patient's list, one QuestionnaireResponse per answered
check-in with an Observation of its total (PHQ-9 and GAD-7 under LOINC), and a minimal
Patient they refer to.
Every resource id is a UUID derived from the row it comes from and from the key of the
scope it is downloaded through (a random key per account, share link and clinic
connection, never the account's id): downloading twice through one scope gives the same
ids, so a receiving system can de-duplicate, while ids say nothing about the account and
differ between scopes (issue 20, item 7).

Each record kind names its function of these in its declaration (`fhir`, with the
signature (row, *, key, subject, include_notes) -> resources; api/db/records.py Kind).
The Bundle is written one entry at a time (`bundle_shell` and `bundle_entries`, streamed
by api/formats/downloads.py json_chunks); `bundle` builds the same document in memory.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

# Fixed forever: changing it would change every exported id.
ID_NAMESPACE = uuid.UUID("6f1c5f2e-3b7a-5d1e-9c44-72a1d3f0e8b5")

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
SCORES_SYSTEM = "https://relieflog.org/fhir/CodeSystem/scores"

PAIN_CODING = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
# (code in SCORES_SYSTEM, display) for the scales without a standard code.
LOCAL_SCORES = {
    "mood": "Mood, 0 = worst mood, 10 = best mood",
    "anxiety": "Anxiety, 0 = none, 10 = worst",
    "energy": "Energy, 0 = none, 10 = best",
    "sleep_quality": "Sleep quality, 0 = worst, 10 = best",
    "sleep_hours": "Hours slept last night",
}
NOTE_DISPLAY = "Diary note"
TEXTS = {
    "pain": "Pain (average over the last 24 hours), 0 = no pain, 10 = worst pain imaginable",
    **LOCAL_SCORES,
}
SCORE_ORDER = ("pain", "mood", "anxiety", "energy", "sleep_quality", "sleep_hours")

# SNOMED CT "route of administration" qualifier values.
ROUTES: dict[str, tuple[str, str | None, str | None]] = {
    # route: (text, SNOMED code, SNOMED display)
    "iv_infusion": ("Intravenous infusion", "47625008", "Intravenous route"),
    "intramuscular": ("Intramuscular injection", "78421000", "Intramuscular route"),
    "intranasal": ("Nasal spray", "46713006", "Nasal route"),
    "sublingual": ("Sublingual", "37839007", "Sublingual route"),
    "oral": ("Oral", "26643006", "Oral route"),
    "other": ("Other route", None, None),
}
# RxNorm ingredient concepts, by the medication name patients type (the Spanish session
# form's default is "ketamina").
RXNORM_INGREDIENTS = {"ketamine": ("6130", "ketamine"), "ketamina": ("6130", "ketamine")}


# The scope's key every id of one download is derived from (see the module's docstring).
IdKey = str


def stable_id(key: IdKey, *parts: object) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(str(part) for part in (key, *parts))))


def _urn(resource_id: str) -> str:
    return f"urn:uuid:{resource_id}"


def patient_resource(*, key: IdKey, display_name: str) -> dict[str, Any]:
    """The patient as the bundle's resources refer to them: a name if they gave one,
    never an email address, their account's id or anything else that identifies them."""
    resource: dict[str, Any] = {"resourceType": "Patient", "id": stable_id(key, "patient")}
    if display_name.strip():
        resource["name"] = [{"text": display_name.strip()}]
    return resource


def observation(resource_id: str, subject: str, day: str, code: dict[str, Any],
                value: dict[str, Any]) -> dict[str, Any]:
    """A survey Observation the patient reported on `day` (what a record kind's own
    resources can be made of, with `stable_id` and a code in SCORES_SYSTEM)."""
    return {
        "resourceType": "Observation",
        "id": resource_id,
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey",
                                  "display": "Survey"}]}],
        "code": code,
        "subject": {"reference": subject},
        "effectiveDateTime": day,
        **value,
    }


def entry_observations(entry: Any, *, key: IdKey, subject: str,
                       include_notes: bool) -> list[dict[str, Any]]:
    """One Observation per score the entry has (missing scores are not zeros: no resource),
    and one for its note when notes are included and it has one."""
    day = entry.date.isoformat()
    found = []
    for metric in SCORE_ORDER:
        value = getattr(entry, metric)
        if value is None:
            continue
        if metric == "pain":
            code = {"coding": [PAIN_CODING], "text": TEXTS["pain"]}
        else:
            code = {"coding": [{"system": SCORES_SYSTEM, "code": metric,
                                "display": LOCAL_SCORES[metric]}], "text": TEXTS[metric]}
        if metric == "sleep_hours":
            shown: dict[str, Any] = {"valueQuantity": {"value": value, "unit": "h",
                                                       "system": UCUM, "code": "h"}}
        else:
            shown = {"valueInteger": value}
        resource_id = stable_id(key, "entry", day, metric)
        found.append(observation(resource_id, subject, day, code, shown))
    if include_notes and entry.notes:
        code = {"coding": [{"system": SCORES_SYSTEM, "code": "note", "display": NOTE_DISPLAY}],
                "text": NOTE_DISPLAY}
        found.append(observation(stable_id(key, "entry", day, "note"), subject, day,
                                  code, {"valueString": entry.notes}))
    return found


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _dosage_text(treatment: Any, route_text: str) -> str:
    parts = [route_text]
    if treatment.dose_mg is not None:
        parts.append(f"{_number(treatment.dose_mg)} mg")
    if treatment.dose_mg_per_kg is not None:
        parts.append(f"{_number(treatment.dose_mg_per_kg)} mg/kg")
    if treatment.duration_minutes:
        parts.append(f"over {treatment.duration_minutes} minutes")
    if treatment.with_psychotherapy:
        parts.append("with psychotherapy (KAP)")
    if treatment.phase:
        parts.append(f"{treatment.phase} phase")
    return ", ".join(parts)


def _instant(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def medication_administration(treatment: Any, *, key: IdKey, subject: str,
                              include_notes: bool) -> dict[str, Any]:
    route_text, route_code, route_display = ROUTES.get(treatment.route, ROUTES["other"])
    medication: dict[str, Any] = {"text": treatment.medication}
    if ingredient := RXNORM_INGREDIENTS.get(treatment.medication.strip().lower()):
        medication["coding"] = [{"system": RXNORM, "code": ingredient[0],
                                 "display": ingredient[1]}]
    route: dict[str, Any] = {"text": route_text}
    if route_code:
        route["coding"] = [{"system": SNOMED, "code": route_code, "display": route_display}]
    dosage: dict[str, Any] = {"text": _dosage_text(treatment, route_text), "route": route}
    if treatment.dose_mg is not None:
        dosage["dose"] = {"value": _number(treatment.dose_mg), "unit": "mg", "system": UCUM,
                          "code": "mg"}
    resource: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "id": stable_id(key, "treatment", treatment.id),
        "status": "completed",
        "medicationCodeableConcept": medication,
        "subject": {"reference": subject},
    }
    if treatment.duration_minutes:
        end = treatment.started_at + timedelta(minutes=treatment.duration_minutes)
        resource["effectivePeriod"] = {"start": _instant(treatment.started_at),
                                       "end": _instant(end)}
    else:
        resource["effectiveDateTime"] = _instant(treatment.started_at)
    resource["dosage"] = dosage
    if include_notes and treatment.notes:
        resource["note"] = [{"text": treatment.notes}]
    return resource


VITAL_SIGNS = {"coding": [{"system": OBSERVATION_CATEGORY, "code": "vital-signs",
                            "display": "Vital Signs"}]}
BP_PANEL = {"system": LOINC, "code": "85354-9",
            "display": "Blood pressure panel with all children optional"}
SYSTOLIC = {"system": LOINC, "code": "8480-6", "display": "Systolic blood pressure"}
DIASTOLIC = {"system": LOINC, "code": "8462-4", "display": "Diastolic blood pressure"}
HEART_RATE = {"system": LOINC, "code": "8867-4", "display": "Heart rate"}
SPO2 = {"system": LOINC, "code": "59408-5",
        "display": "Oxygen saturation in Arterial blood by Pulse oximetry"}
PHASE_TEXT = {"before": "before dosing", "during": "during the session",
              "after": "after the session"}


def _quantity(value: int, unit: str, code: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


def _vital(resource_id: str, *, part_of: str, subject: str, reading: Mapping[str, Any],
           coding: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": resource_id,
        "partOf": [{"reference": part_of}],
        "status": "final",
        "category": [VITAL_SIGNS],
        "code": {"coding": [coding], "text": coding["display"]},
        "subject": {"reference": subject},
        "effectiveDateTime": _instant(datetime.fromisoformat(reading["taken_at"])),
        **value,
        "note": [{"text": f"Measured {PHASE_TEXT[reading['phase']]}"}],
    }


def vital_observations(treatment: Any, *, key: IdKey, subject: str) -> list[dict[str, Any]]:
    """Each reading of a session (treatment.vitals: dicts with taken_at, phase, systolic,
    diastolic, heart_rate, spo2) as a blood pressure panel, and a heart rate and an SpO2
    Observation when measured; all part of the session's MedicationAdministration."""
    part_of = _urn(stable_id(key, "treatment", treatment.id))
    found = []
    for index, reading in enumerate(getattr(treatment, "vitals", None) or []):
        def vital(kind: str, coding: dict[str, Any], value: dict[str, Any],
                  index: int = index, reading: Mapping[str, Any] = reading
                  ) -> dict[str, Any]:
            return _vital(stable_id(key, "vital", treatment.id, index, kind), part_of=part_of,
                          subject=subject, reading=reading, coding=coding, value=value)

        found.append(vital("bp", BP_PANEL, {"component": [
            {"code": {"coding": [SYSTOLIC]},
             "valueQuantity": _quantity(reading["systolic"], "mmHg", "mm[Hg]")},
            {"code": {"coding": [DIASTOLIC]},
             "valueQuantity": _quantity(reading["diastolic"], "mmHg", "mm[Hg]")},
        ]}))
        if reading.get("heart_rate") is not None:
            found.append(vital("heart_rate", HEART_RATE, {
                "valueQuantity": _quantity(reading["heart_rate"], "beats/minute", "/min")}))
        if reading.get("spo2") is not None:
            found.append(vital("spo2", SPO2, {
                "valueQuantity": _quantity(reading["spo2"], "%", "%")}))
    return found


def treatment_resources(treatment: Any, *, key: IdKey, subject: str, include_notes: bool
                        ) -> list[dict[str, Any]]:
    """A session's resources: its MedicationAdministration and its readings' vital signs."""
    return [medication_administration(treatment, key=key, subject=subject,
                                      include_notes=include_notes),
            *vital_observations(treatment, key=key, subject=subject)]


MEDICATION_CLASS_URL = "https://relieflog.org/fhir/StructureDefinition/medication-class"


def medication_statement(medication: Any, *, key: IdKey, subject: str, include_notes: bool
                         ) -> dict[str, Any]:
    """A medication from the patient's list: what, since and until when, the dose as they
    wrote it, and its class (antidepressant, benzodiazepine, ...) as an extension."""
    period: dict[str, Any] = {"start": medication.started_on.isoformat()}
    if medication.stopped_on is not None:
        period["end"] = medication.stopped_on.isoformat()
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": stable_id(key, "medication", medication.id),
        "extension": [{"url": MEDICATION_CLASS_URL, "valueCode": medication.drug_class}],
        "status": "completed" if medication.stopped_on is not None else "active",
        "medicationCodeableConcept": {"text": medication.name},
        "subject": {"reference": subject},
        "effectivePeriod": period,
    }
    if medication.dose:
        resource["dosage"] = [{"text": medication.dose}]
    if include_notes and medication.notes:
        resource["note"] = [{"text": medication.notes}]
    return resource


def medication_resources(medication: Any, *, key: IdKey, subject: str, include_notes: bool
                         ) -> list[dict[str, Any]]:
    return [medication_statement(medication, key=key, subject=subject,
                                 include_notes=include_notes)]


def questionnaire_resources(response: Any, instrument: Mapping[str, Any], *, key: IdKey,
                            subject: str) -> list[dict[str, Any]]:
    """A QuestionnaireResponse with every answer, an Observation of its total derived from
    it, and for the item that has its own LOINC code (PHQ-9 item 9) an Observation too.

    `instrument` describes it without this module knowing any instrument:
    {"questionnaire": canonical URL, "title", "items": [{"key", "text", "code"}],
    "difficulty": text or None, "total": {"code", "display", "system"}}."""
    authored = _instant(response.answered_at)
    response_id = stable_id(key, "questionnaire-response", response.id)
    items = [{"linkId": item["key"], "text": item["text"],
              "answer": [{"valueInteger": response.answers[item["key"]]}]}
             for item in instrument["items"]]
    if response.difficulty is not None and instrument["difficulty"]:
        items.append({"linkId": "difficulty", "text": instrument["difficulty"],
                      "answer": [{"valueInteger": response.difficulty}]})
    found: list[dict[str, Any]] = [{
        "resourceType": "QuestionnaireResponse",
        "id": response_id,
        "questionnaire": instrument["questionnaire"],
        "status": "completed",
        "subject": {"reference": subject},
        "authored": authored,
        "item": items,
    }]
    derived = {"derivedFrom": [{"reference": _urn(response_id)}]}
    total = _number(response.total)
    value = {"valueInteger": total} if isinstance(total, int) else {"valueDecimal": total}
    found.append(observation(
        stable_id(key, "questionnaire-total", response.id), subject, authored,
        {"coding": [instrument["total"]], "text": f"{instrument['title']} score"},
        {**value, **derived}))
    for item in instrument["items"]:
        if item["code"]:
            found.append(observation(
                stable_id(key, "questionnaire-item", response.id, item["key"]),
                subject, authored,
                {"coding": [{"system": LOINC, "code": item["code"]}], "text": item["text"]},
                {"valueInteger": response.answers[item["key"]], **derived}))
    return found


def bundle_shell(*, key: IdKey, generated_at: datetime) -> dict[str, Any]:
    """The Bundle around its entries (`entry` is to be filled by bundle_entries)."""
    return {
        "resourceType": "Bundle",
        "id": stable_id(key, "bundle", generated_at.isoformat()),
        "meta": {"lastUpdated": _instant(generated_at)},
        "type": "collection",
        "timestamp": _instant(generated_at),
        "entry": [],
    }


def bundle_entries(*, key: IdKey, display_name: str,
                   resources: Callable[[str], Iterable[dict[str, Any]]]
                   ) -> Iterator[dict[str, Any]]:
    """The Bundle's entries one at a time: the Patient, then `resources(subject)` (each
    record kind's resources for the rows read, as they are consumed; `subject` is the
    reference to the Patient). `key` is the scope's and never shown."""
    patient = patient_resource(key=key, display_name=display_name)
    yield {"fullUrl": _urn(patient["id"]), "resource": patient}
    for resource in resources(_urn(patient["id"])):
        yield {"fullUrl": _urn(resource["id"]), "resource": resource}


def bundle(*, key: IdKey, display_name: str, generated_at: datetime,
           resources: Callable[[str], Iterable[dict[str, Any]]]) -> dict[str, Any]:
    """The whole Bundle in memory: the document the download streams."""
    return {**bundle_shell(key=key, generated_at=generated_at),
            "entry": list(bundle_entries(key=key, display_name=display_name,
                                         resources=resources))}
