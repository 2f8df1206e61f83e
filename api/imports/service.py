"""Bring your history: read a file into a preview (nothing stored but the file, for an
hour), then commit it with the patient's mapping in one transaction, each record saved
through its domain's own service (versioned, with history; the kept analysis marked
stale), so Trends shows the imported days at once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import ModuleType
from typing import Any

from sqlalchemy import delete, select

from api.audit.service import record
from api.auth.models import Account
from api.bladder import service as bladder
from api.calendar import local_today
from api.db import db, records
from api.domain import NotFound
from api.entries import service as entries_service
from api.entries.models import CONTENT_FIELDS, Entry
from api.imports import anycsv, bearable, daylio, flaredown, relieflog
from api.imports.incoming import SCORES, TEXTS, Incoming, entries
from api.imports.models import ImportPreview
from api.imports.reading import BadFile, decoded, header_of, tomorrow_of
from api.medications import service as medications
from api.models import utcnow
from api.questionnaires import service as questionnaires
from api.treatments import service as treatments

KEPT_FOR = timedelta(hours=1)
NOT_FOUND = "No such import preview (previews are kept for an hour): choose the file again."
# Checked in this order when no format is given: the first whose header fits.
FORMATS: dict[str, ModuleType] = {module.NAME: module for module in (
    relieflog, daylio, bearable, flaredown, anycsv)}
MAX_LISTED = 500  # conflicts and merged days listed in a preview (all are counted)


def detect(text: str) -> str:
    if relieflog.detect_text(text):
        return relieflog.NAME
    header, _separator = header_of(text)
    for name, module in FORMATS.items():
        if name != relieflog.NAME and module.detect(header):
            return name
    raise BadFile("The format is not one Relieflog knows (Relieflog, Daylio, Bearable, "
                  "Flaredown, or a CSV with a date column). Its header has: "
                  f"{', '.join(header) or 'nothing'}.", line=1)


def read(body: bytes, *, format: str | None, today: date) -> Incoming:
    """The file as incoming days (or records), refusing what cannot be imported."""
    if body[:4] == b"PK\x03\x04":
        raise BadFile("This is a ZIP archive: unpack it and choose the CSV or JSON file "
                      "inside.")
    text, encoding = decoded(body)
    name = format or detect(text)
    incoming: Incoming = FORMATS[name].read(text, tomorrow_of(today))
    incoming.encoding = encoding
    if encoding == "windows-1252":
        incoming.warnings.append("The file is not UTF-8: it was read as Windows-1252 "
                                 "(Western European). Check the accents in the preview.")
    return incoming


# ---------------------------------------------------------------- mapping


def default_mapping(incoming: Incoming) -> dict[str, Any]:
    if incoming.format == relieflog.NAME:
        return {"pain": None, "mood": None, "notes": [], "tags": [], "scales": {},
                "labels": {}}
    mapping: dict[str, Any] = FORMATS[incoming.format].default_mapping(incoming)
    for text in TEXTS:  # e.g. Daylio's older header has no note_title
        mapping[text] = [source for source in mapping[text] if source in incoming.sources]
    return mapping


def checked_mapping(incoming: Incoming, given: dict[str, Any] | None) -> dict[str, Any]:
    """The patient's mapping over the defaults; a source the file does not have is refused
    by name."""
    mapping = default_mapping(incoming)
    for key, value in (given or {}).items():
        if key in ("scales", "labels"):
            mapping[key] = {**mapping[key], **value}
        else:
            mapping[key] = value
    sources = incoming.sources
    named = [mapping[score] for score in SCORES if mapping[score] is not None]
    named += [source for text in TEXTS for source in mapping[text]]
    for source in named:
        if source not in sources:
            raise BadFile(f"The file has no column or category {source!r}.",
                          column=source)
    for source, top in mapping["scales"].items():
        if not isinstance(top, int | float) or not 1 <= top <= 100:
            raise BadFile("The top of a scale is a number from 1 to 100.", column=source)
    return mapping


def unmapped(incoming: Incoming, mapping: dict[str, Any]) -> dict[str, Any]:
    """What needs the patient's decision: labels of a score's source with no score yet,
    and the sources nothing reads."""
    labels = sorted({label for score in SCORES if mapping[score] in incoming.sources
                     for label in incoming.sources[mapping[score]].labels
                     if mapping["labels"].get(label) is None})
    used = {mapping[score] for score in SCORES} | {s for text in TEXTS for s in mapping[text]}
    return {"labels": labels,
            "sources": [name for name in incoming.sources if name not in used]}


def sources(incoming: Incoming) -> list[dict[str, Any]]:
    return [{"name": name, "numbers": source.numbers, "highest": float(source.highest),
             "labels": [label for label, _count in source.labels.most_common(50)],
             "texts": source.texts}
            for name, source in incoming.sources.items()]


# ---------------------------------------------------------------- the plan


SHOWN = ("pain", "mood", "notes", "tags")


@dataclass
class Plan:
    """What committing would do to entries: each incoming day's content merged over what is
    stored, and whether that day is new, identical or in conflict."""

    content: dict[date, dict[str, Any]] = field(default_factory=dict)
    new: list[date] = field(default_factory=list)
    identical: list[date] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _stored_entries(user: Account, start: date, end: date) -> dict[date, dict[str, Any]]:
    columns = [getattr(Entry, name) for name in CONTENT_FIELDS]
    rows = db.session.execute(select(Entry.date, *columns).where(
        Entry.user_id == user.id, Entry.date >= start, Entry.date <= end))
    return {row[0]: dict(zip(CONTENT_FIELDS, row[1:], strict=True)) for row in rows}


def plan(user: Account, incoming: Incoming, mapping: dict[str, Any]) -> Plan:
    result = Plan()
    if incoming.format == relieflog.NAME:
        days = {body["date"]: {name: body.get(name) for name in CONTENT_FIELDS}
                for body in incoming.records.get("entries", [])}
    else:
        days, result.warnings = entries(incoming, mapping)
    if not days:
        return result
    stored = _stored_entries(user, min(days), max(days))
    for on, incoming_content in days.items():
        current = stored.get(on)
        if current is None:
            result.content[on] = entries_service.normalized(incoming_content)
            result.new.append(on)
            continue
        if incoming.format == relieflog.NAME:
            merged = entries_service.normalized(incoming_content)
        else:  # a diary file brings pain, mood, notes and tags; the rest stays as logged
            merged = dict(current)
            merged.update({name: value for name, value in incoming_content.items()
                           if value not in (None, "", [])})
            merged = entries_service.normalized(merged)
        if merged == entries_service.normalized(current):
            result.identical.append(on)
        else:
            result.content[on] = merged
            result.conflicts.append({
                "date": on, "current": {name: current[name] for name in SHOWN},
                "incoming": {name: merged[name] for name in SHOWN}})
    return result


# ---------------------------------------------------------------- previews


def _purge_expired() -> None:
    db.session.execute(delete(ImportPreview).where(ImportPreview.expires_at <= utcnow()))


def create_preview(*, user: Account, body: bytes, format: str | None) -> dict[str, Any]:
    """Read the file and keep it for an hour; the preview says what committing it with the
    default mapping would do."""
    incoming = read(body, format=format, today=local_today(user.timezone))
    _purge_expired()
    row = ImportPreview(user_id=user.id, format=incoming.format, body=body, size=len(body),
                        expires_at=utcnow() + KEPT_FOR)
    db.session.add(row)
    db.session.flush()
    return summary(user=user, preview=row, incoming=incoming, mapping=None)


def find_preview(*, user: Account, preview_id: int) -> ImportPreview:
    """The patient's own preview, while it is kept; another patient's is not found."""
    row = db.session.scalar(select(ImportPreview).where(
        ImportPreview.id == preview_id, ImportPreview.user_id == user.id,
        ImportPreview.expires_at > utcnow()))
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


def summary(*, user: Account, preview: ImportPreview, incoming: Incoming | None = None,
            mapping: dict[str, Any] | None = None) -> dict[str, Any]:
    """The preview as the patient sees it, under `mapping` (default: the format's)."""
    if incoming is None:
        incoming = read(preview.body, format=preview.format,
                        today=local_today(user.timezone))
    chosen = checked_mapping(incoming, mapping)
    planned = plan(user, incoming, chosen)
    days = sorted(incoming.days) or sorted(body["date"] for body in
                                           incoming.records.get("entries", []))
    merged = [{"date": on, "rows": day.rows, "incoming": planned.content.get(on)}
              for on, day in sorted(incoming.days.items()) if day.rows > 1]
    return {
        "id": preview.id, "format": incoming.format, "encoding": incoming.encoding,
        "rows": incoming.rows, "days": len(days),
        "from": days[0] if days else None, "to": days[-1] if days else None,
        "new": len(planned.new), "identical": len(planned.identical),
        "without_score": len(days) - len(planned.new) - len(planned.identical)
        - len(planned.conflicts),
        "conflict_count": len(planned.conflicts), "conflicts": planned.conflicts[:MAX_LISTED],
        "merged_count": len(merged), "merged": merged[:MAX_LISTED],
        "records": {kind: len(items) for kind, items in incoming.records.items()
                    if kind != "entries"},
        "mapping": chosen, "unmapped": unmapped(incoming, chosen),
        "sources": sources(incoming),
        "warnings": [*incoming.warnings, *planned.warnings][:MAX_LISTED],
        "expires_at": preview.expires_at,
    }


def drop_preview(*, user: Account, preview_id: int) -> None:
    db.session.delete(find_preview(user=user, preview_id=preview_id))


# ---------------------------------------------------------------- commit


@dataclass
class Counts:
    created: int = 0
    replaced: int = 0
    kept: int = 0
    identical: int = 0


def commit(*, user: Account, preview_id: int, mapping: dict[str, Any] | None,
           on_conflict: str) -> dict[str, Any]:
    """Store what the preview showed, in the caller's one write transaction: new days
    created, conflicts kept or replaced (the replaced content stays in the entry's
    history), identical days untouched. Logged in the security log."""
    preview = find_preview(user=user, preview_id=preview_id)
    incoming = read(preview.body, format=preview.format, today=local_today(user.timezone))
    planned = plan(user, incoming, checked_mapping(incoming, mapping))
    counts = Counts(identical=len(planned.identical))
    for on in planned.new:
        entries_service.save_entry(user=user, day=on, data=planned.content[on])
        counts.created += 1
    for conflict in planned.conflicts:
        if on_conflict == "replace":
            entries_service.save_entry(user=user, day=conflict["date"],
                                       data=planned.content[conflict["date"]])
            counts.replaced += 1
        else:
            counts.kept += 1
    days = counts.created + counts.replaced
    for name, kind in RECORD_KINDS.items():
        for body in incoming.records.get(name, []):
            _save_record(kind, user, body, on_conflict, counts)
    db.session.delete(preview)
    label = FORMATS[incoming.format].LABEL
    record(user_id=user.id, event="imported",
           detail=f"{days} day{'s' if days != 1 else ''} from {label}")
    return {"created": counts.created, "replaced": counts.replaced, "kept": counts.kept,
            "identical": counts.identical, "days": days,
            "nothing_new": counts.created + counts.replaced == 0}


def _save_record(kind: RecordKind, user: Account, body: dict[str, Any], on_conflict: str,
                 counts: Counts) -> None:
    """One session, check-in, medication or bladder answer through its domain's service:
    new ones saved, identical ones left alone, a conflict saved only when replacing."""
    stored = records.find(kind.kind, kind.key(user, body))
    if stored is None:
        kind.save(user, body, None)
        counts.created += 1
    elif kind.same(user, body, stored):
        counts.identical += 1
    elif on_conflict == "replace":
        kind.save(user, body, stored)
        counts.replaced += 1
    else:
        counts.kept += 1


def _same_content(kind: records.Kind, content: dict[str, Any], stored: dict[str, Any]) -> bool:
    """What records.save compares: the stored content fields against the new content."""
    return {name: stored[name] for name in kind.content} == content


def _save_medication(user: Account, body: dict[str, Any], stored: dict[str, Any] | None
                     ) -> None:
    """A medication as its dose history happened: saved with its first dose, then each
    change on its day, so the list, the report's markers and the CSV read as on the
    install it came from. Replacing a different one saves its latest state on the day of
    its last change."""
    key: uuid.UUID = body["id"]
    final = {name: value for name, value in body.items()
             if name not in ("initial_dose", "changes", "dose_changed_on")}
    if stored is not None:
        last = body["changes"][-1]["date"] if body["changes"] else body["started_on"]
        medications.save_medication(user=user, medication_id=key,
                                    data={**final, "dose_changed_on": last})
        return
    medications.save_medication(user=user, medication_id=key,
                                data={**final, "dose": body["initial_dose"]})
    for change in body["changes"]:
        medications.save_medication(
            user=user, medication_id=key,
            data={**final, "dose": change["dose"], "dose_changed_on": change["date"]})


def _same_medication(user: Account, body: dict[str, Any], stored: dict[str, Any]) -> bool:
    wanted = {**medications.normalized(body), "initial_dose": body["initial_dose"],
              "changes": [{"date": c["date"].isoformat(), "dose": c["dose"]}
                          for c in body["changes"]]}
    return all(stored[name] == value for name, value in wanted.items())


@dataclass(frozen=True)
class RecordKind:
    """How an export's other records are keyed, compared and saved: by their domain."""

    kind: records.Kind
    key: Callable[[Account, dict[str, Any]], dict[str, Any]]
    same: Callable[[Account, dict[str, Any], dict[str, Any]], bool]
    save: Callable[[Account, dict[str, Any], dict[str, Any] | None], Any]


def _by_id(user: Account, body: dict[str, Any]) -> dict[str, Any]:
    return {"user_id": user.id, "id": body["id"]}


RECORD_KINDS: dict[str, RecordKind] = {
    "treatments": RecordKind(
        treatments.TREATMENTS, _by_id,
        lambda user, body, stored: _same_content(treatments.TREATMENTS,
                                                 treatments.normalized(body), stored),
        lambda user, body, stored: treatments.save_treatment(
            user=user, treatment_id=body["id"], data=body)),
    "medications": RecordKind(medications.MEDICATIONS, _by_id, _same_medication,
                              _save_medication),
    "questionnaire_responses": RecordKind(
        questionnaires.RESPONSES, _by_id,
        lambda user, body, stored: _same_content(
            questionnaires.RESPONSES, questionnaires.scored(body, user.timezone)[0], stored),
        lambda user, body, stored: questionnaires.save_response(
            user=user, response_id=body["id"], data=body)),
    "bladder_checks": RecordKind(
        bladder.CHECKS, lambda user, body: {"user_id": user.id, "date": body["date"]},
        # stored in the vocabulary's order: the same answer is the same set of symptoms
        lambda user, body, stored: set(stored["symptoms"]) == set(body["symptoms"]),
        lambda user, body, stored: bladder.save_check(user=user, day=body["date"], data=body)),
}
