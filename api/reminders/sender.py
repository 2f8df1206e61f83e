"""The sender: one pass finds the reminders due now, claims each in reminder_sends (unique
per patient, kind and local date, so it goes out once whichever sender runs) and pushes
them. Only the holder of the lease sends; `now` is a parameter so tests set the clock."""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import os
import queue
import socket
import threading
import time as clock
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests
from flask import current_app
from sqlalchemy import bindparam, delete, select, update

from api import mail
from api.auth.models import User
from api.db import db, insert_if_absent
from api.entries.models import Entry
from api.models import utcnow
from api.questionnaires import service as questionnaires
from api.reminders import push
from api.reminders.models import (
    PushSubscription,
    ReminderSend,
    ReminderSettings,
    ReminderSnooze,
    SenderLease,
)
from api.treatments.models import Treatment

log = logging.getLogger("relieflog.reminders")

LEASE = "reminders"
CHUNK = 500

# What a notification says: never a score, a note or a date.
WORDS = {
    "en": {"daily": "Time for today's check-in",
           "after_session": "How are you feeling the day after your session?",
           "questionnaire": "A check-in is due"},
    "es": {"daily": "Es hora del registro de hoy",
           "after_session": "¿Cómo te sientes el día después de tu sesión?",
           "questionnaire": "Tienes un cuestionario pendiente"},
}


def payload(kind: str, language: str, url: str) -> bytes:
    words = WORDS.get(language, WORDS["en"])
    return json.dumps({"kind": kind, "title": "Relieflog", "body": words[kind], "url": url},
                      ensure_ascii=False).encode()


# --- The patient's clock -----------------------------------------------------------------

def scheduled_instant(day: date, hhmm: str, zone: ZoneInfo) -> datetime:
    """When `hhmm` on `day` happens in `zone`, in UTC. A time the clocks skip (02:30 on
    spring-forward) is the first instant after it; a time that happens twice (fall-back)
    is the first of the two."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    wall = datetime.combine(day, time(hour, minute))
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # In a gap: the first instant whose wall clock reads `wall` or later (the transition).
    bounds = sorted((int(first.timestamp()),
                     int(wall.replace(tzinfo=zone, fold=1).astimezone(UTC).timestamp())))
    low, high = bounds
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


# --- The lease ---------------------------------------------------------------------------

def take_lease(holder: str, seconds: int) -> bool:
    """Take or renew the sender's lease in a short write: a conditional UPDATE (ours, or
    expired), else an INSERT that loses quietly to another sender's."""
    now = utcnow()
    with db.write():
        result: Any = db.session.execute(
            update(SenderLease)
            .where(SenderLease.name == LEASE,
                   (SenderLease.holder == holder) | (SenderLease.expires_at < now))
            .values(holder=holder, expires_at=now + timedelta(seconds=seconds)))
        if result.rowcount:
            return True
        return insert_if_absent(SenderLease.__table__, {
            "name": LEASE, "holder": holder, "expires_at": now + timedelta(seconds=seconds)})


def release_lease(holder: str) -> None:
    with db.write():
        db.session.execute(update(SenderLease)
                           .where(SenderLease.name == LEASE, SenderLease.holder == holder)
                           .values(expires_at=utcnow() - timedelta(seconds=1)))


def new_holder() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# --- What is due -------------------------------------------------------------------------

@dataclass(frozen=True)
class Due:
    user_id: int
    kind: str  # daily, after_session, questionnaire
    key: str  # the reminder_sends kind: daily, after_session, questionnaire:phq9, snooze:7
    local_date: date
    url: str
    snooze_id: int | None = None


def _chunks(items: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _pairs(query_of: Any, ids: list[int]) -> set[tuple[int, date]]:
    found: set[tuple[int, date]] = set()
    for chunk in _chunks(ids):
        found.update((row[0], row[1]) for row in db.session.execute(query_of(chunk)))
    return found


def find_due(now: datetime, *, late: timedelta) -> list[Due]:
    """Every reminder due at `now` that has not gone out (call inside a read)."""
    with_devices = select(PushSubscription.user_id).distinct()
    rows = db.session.execute(
        select(ReminderSettings, User.timezone)
        .join(User, User.id == ReminderSettings.user_id)
        .where(ReminderSettings.daily_enabled | ReminderSettings.after_session
               | ReminderSettings.questionnaires,
               ReminderSettings.user_id.in_(with_devices), User.disabled.is_(False))
    ).all()
    zones: dict[str, ZoneInfo] = {}
    timely: list[tuple[ReminderSettings, date]] = []
    for settings, timezone in rows:
        zone = zones.setdefault(timezone, ZoneInfo(timezone))
        today = now.astimezone(zone).date()
        at = scheduled_instant(today, settings.daily_time, zone)
        if at <= now < at + late:
            timely.append((settings, today))
    ids = [settings.user_id for settings, _ in timely]
    days = {today for _, today in timely}
    yesterdays = {today - timedelta(days=1) for today in days}

    logged = _pairs(lambda chunk: select(Entry.user_id, Entry.date).where(
        Entry.user_id.in_(chunk), Entry.date.in_(days)), ids) if days else set()
    sessions = _pairs(lambda chunk: select(Treatment.user_id, Treatment.local_date).where(
        Treatment.user_id.in_(chunk), Treatment.local_date.in_(yesterdays)),
        ids) if days else set()
    sent: set[tuple[int, str, date]] = set()
    for chunk in _chunks(ids):
        sent.update((row[0], row[1], row[2]) for row in db.session.execute(
            select(ReminderSend.user_id, ReminderSend.kind, ReminderSend.local_date)
            .where(ReminderSend.user_id.in_(chunk), ReminderSend.local_date.in_(days))))

    found: list[Due] = []
    for settings, today in timely:
        uid = settings.user_id
        if settings.daily_enabled and (uid, today) not in logged \
                and (uid, "daily", today) not in sent:
            found.append(Due(uid, "daily", "daily", today, "/today"))
        if settings.after_session and (uid, today - timedelta(days=1)) in sessions \
                and (uid, "after_session", today) not in sent:
            found.append(Due(uid, "after_session", "after_session", today, "/today"))
    found.extend(_questionnaires_due(
        [(s.user_id, today) for s, today in timely if s.questionnaires]))
    found.extend(_snoozes_due(now, late=late))
    return found


def _questionnaires_due(candidates: list[tuple[int, date]]) -> Iterable[Due]:
    """Once per due period: keyed by the day the check-in fell due. A few queries per
    chunk of patients, never one per patient."""
    for start in range(0, len(candidates), CHUNK):
        chunk = dict(candidates[start:start + CHUNK])
        users = db.session.scalars(select(User).where(User.id.in_(chunk))).all()
        due = questionnaires.due_for([(user, chunk[user.id]) for user in users])
        items = [(uid, f"questionnaire:{item['instrument']}", item["due_since"])
                 for uid, listed in due.items() for item in listed]
        if not items:
            continue
        sent = {tuple(row) for row in db.session.execute(
            select(ReminderSend.user_id, ReminderSend.kind, ReminderSend.local_date)
            .where(ReminderSend.user_id.in_(chunk),
                   ReminderSend.kind.in_({key for _, key, _ in items}),
                   ReminderSend.local_date.in_({since for _, _, since in items})))}
        for uid, key, since in items:
            if (uid, key, since) not in sent:
                yield Due(uid, "questionnaire", key, since, f"/checkin/{key.split(':')[1]}")


def _snoozes_due(now: datetime, *, late: timedelta) -> Iterable[Due]:
    rows = db.session.execute(
        select(ReminderSnooze, User.timezone).join(User, User.id == ReminderSnooze.user_id)
        .where(ReminderSnooze.remind_at <= now)).all()
    for snooze, timezone in rows:
        today = now.astimezone(ZoneInfo(timezone)).date()
        if snooze.remind_at + late < now:
            continue  # stale: dropped when claimed below
        if snooze.kind == "daily" and db.session.scalar(
                select(Entry.id).where(Entry.user_id == snooze.user_id, Entry.date == today)):
            continue  # logged since: nothing to remind of
        url = "/today"
        yield Due(snooze.user_id, snooze.kind, f"snooze:{snooze.id}", today, url, snooze.id)


def claim(due: list[Due], now: datetime) -> list[Due]:
    """Record what is about to be sent (call inside a write): what another sender already
    claimed is not ours. Claimed snoozes are used up."""
    ours = []
    for item in due:
        if insert_if_absent(ReminderSend.__table__, {
                "user_id": item.user_id, "kind": item.key, "local_date": item.local_date,
                "sent_at": now, "devices": 0}):
            ours.append(item)
    snoozes = [item.snooze_id for item in due if item.snooze_id is not None]
    if snoozes:
        db.session.execute(delete(ReminderSnooze).where(ReminderSnooze.id.in_(snoozes)))
    # Snoozes too old to send are dropped.
    db.session.execute(delete(ReminderSnooze).where(
        ReminderSnooze.remind_at < now - timedelta(days=1)))
    return ours


# --- Sending -----------------------------------------------------------------------------
#
# The database work stays in this thread (find, claim, load the devices, record); a
# bounded pool of threads only encrypts and posts. Each push has a timeout, so a slow
# device costs one worker for at most that long; every patient's first device is queued
# before anyone's second (one patient's many devices cannot crowd out the others), and a
# retry, after its wait, queues behind every first try. A device that was gone (404/410)
# is deleted at once; one whose pushes keep failing, after PRUNE_AFTER.

PRUNE_AFTER = timedelta(days=3)
PRUNE_FAILURES = 3  # ... and at least this many failed passes in a row


@dataclass
class PassReport:
    leased: bool = True
    due: int = 0
    sent: int = 0
    failed: int = 0
    removed: int = 0
    seconds: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)


@dataclass
class Outcome:
    delivered: bool = False
    gone: bool = False
    again: bool = False  # worth another try in this pass
    problem: str = ""


def attempt(device: push.Device, message: bytes, *, signer: push.Signer,
            session: requests.Session, timeout: float) -> Outcome:
    """One push: 404/410 means the subscription is gone; 429, 5xx and failures to
    connect may be tried again; a timeout waiting for the answer is not (the message may
    have arrived), nor is an address the sender refuses or a certificate it cannot
    trust."""
    try:
        status = push.push(device, message, signer=signer, session=session, timeout=timeout)
    except push.RefusedAddress:
        return Outcome(problem="refused: not a public address")
    except requests.ReadTimeout:
        return Outcome(problem="timed out")
    except requests.exceptions.SSLError:
        return Outcome(problem="TLS failed")
    except requests.ConnectionError as error:
        return Outcome(again=True, problem=type(error).__name__)
    except requests.RequestException as error:
        return Outcome(problem=type(error).__name__)
    except Exception as error:  # noqa: BLE001 - a bad stored key must not stop the pass
        return Outcome(problem=f"could not be prepared: {type(error).__name__}")
    if 200 <= status < 300:
        return Outcome(delivered=True)
    if status in (404, 410):
        return Outcome(gone=True)
    return Outcome(again=status == 429 or status >= 500, problem=f"HTTP {status}")


@dataclass
class Job:
    """One reminder to one device."""

    item: Due
    device_id: int
    device: push.Device
    language: str
    tries: int
    outcome: Outcome = field(default_factory=Outcome)
    attempts: int = 0


def send_due(*, now: datetime | None = None, holder: str | None = None) -> PassReport:
    """One pass of the sender (`flask reminders send`; `run` repeats it every minute)."""
    config = current_app.config
    now = now or utcnow()
    holder = holder or new_holder()
    started = clock.monotonic()
    report = PassReport()
    lease_seconds = config["REMINDER_LEASE_SECONDS"]
    if not take_lease(holder, lease_seconds):
        report.leased = False
        return report
    try:
        late = timedelta(minutes=config["REMINDER_LATE_MINUTES"])
        with db.read():
            due = find_due(now, late=late)
        report.due = len(due)
        with db.write():
            ours = claim(due, now)
        if ours:
            _push_all(ours, report, now=now, holder=holder, lease_seconds=lease_seconds)
    finally:
        release_lease(holder)
    report.seconds = clock.monotonic() - started
    return report


def _jobs(ours: list[Due]) -> list[Job]:
    """Every (reminder, device), each patient's first device before anyone's second."""
    tries = max(1, current_app.config["REMINDER_TRIES"])
    devices: dict[int, list[PushSubscription]] = {}
    with db.read():
        for chunk in _chunks(sorted({item.user_id for item in ours})):
            for row in db.session.scalars(select(PushSubscription)
                                          .where(PushSubscription.user_id.in_(chunk))
                                          .order_by(PushSubscription.id)):
                devices.setdefault(row.user_id, []).append(row)
    by_turn: dict[int, list[Job]] = {}
    for item in ours:
        for turn, row in enumerate(devices.get(item.user_id, [])):
            by_turn.setdefault(turn, []).append(Job(
                item, row.id, push.Device(row.endpoint, row.p256dh, row.auth), row.language,
                # A device already failing gets one try a pass.
                tries=1 if row.failing_since is not None else tries))
    return [job for turn in sorted(by_turn) for job in by_turn[turn]]


def _push_all(ours: list[Due], report: PassReport, *, now: datetime, holder: str,
              lease_seconds: int) -> None:
    config = current_app.config
    jobs = _jobs(ours)
    signer = push.Signer(vapid_key(), push.vapid_subject(config["VAPID_SUBJECT"],
                                                         config["PUBLIC_URL"]))
    allowed = push.networks(config["PUSH_PRIVATE_NETWORKS_ALLOWED"])
    timeout = config["REMINDER_TIMEOUT_SECONDS"]
    retry_wait = config["REMINDER_RETRY_SECONDS"]
    sessions: list[requests.Session] = []
    local = threading.local()

    def post(job: Job) -> None:  # in a worker: HTTP only, no database
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = push.http_session(allowed)
            sessions.append(session)
        job.attempts += 1
        job.outcome = attempt(job.device, payload(job.item.kind, job.language, job.item.url),
                              signer=signer, session=session, timeout=timeout)

    finished: queue.Queue[Job] = queue.Queue()
    retries: list[tuple[float, int, Job]] = []  # (when, order, job), soonest first
    order = itertools.count()
    outstanding = 0
    renewed = clock.monotonic()

    def submit(job: Job) -> None:
        nonlocal outstanding
        outstanding += 1
        pool.submit(post, job).add_done_callback(lambda _: finished.put(job))

    try:
        with ThreadPoolExecutor(max_workers=max(1, config["REMINDER_WORKERS"]),
                                thread_name_prefix="reminders") as pool:
            for job in jobs:  # every first try is queued before any retry
                submit(job)
            while outstanding or retries:
                now_ = clock.monotonic()
                wait_for = min([lease_seconds / 3] + [when - now_ for when, _, _ in retries[:1]])
                try:
                    job = finished.get(timeout=max(0.0, wait_for))
                except queue.Empty:
                    pass
                else:
                    outstanding -= 1
                    if job.outcome.again and job.attempts < job.tries:
                        heapq.heappush(retries, (
                            clock.monotonic() + retry_wait * 2 ** (job.attempts - 1),
                            next(order), job))
                while retries and retries[0][0] <= clock.monotonic():
                    submit(heapq.heappop(retries)[2])
                if clock.monotonic() - renewed > lease_seconds / 3:
                    take_lease(holder, lease_seconds)  # a long pass keeps others out
                    renewed = clock.monotonic()
    finally:
        for session in sessions:
            session.close()
    _record(jobs, report, now=now)


def _record(jobs: list[Job], report: PassReport, *, now: datetime) -> None:
    """What the pass did, in one write: device counts on reminder_sends, gone devices
    deleted, failing ones noted (and deleted once they have failed long enough)."""
    counts: dict[tuple[int, str, date], int] = {}
    delivered: set[int] = set()
    gone: set[int] = set()
    failed: dict[int, Job] = {}
    for job in jobs:
        if job.outcome.delivered:
            report.sent += 1
            report.by_kind[job.item.kind] = report.by_kind.get(job.item.kind, 0) + 1
            key = (job.item.user_id, job.item.key, job.item.local_date)
            counts[key] = counts.get(key, 0) + 1
            delivered.add(job.device_id)
        elif job.outcome.gone:
            gone.add(job.device_id)
        else:
            report.failed += 1
            failed[job.device_id] = job
            log.warning("push to %s failed after %d tries: %s",
                        push.host_of(job.device.endpoint), job.attempts, job.outcome.problem)
    failed = {device_id: job for device_id, job in failed.items()
              if device_id not in delivered and device_id not in gone}
    with db.write():
        if failed:
            rows = [row for chunk in _chunks(sorted(failed)) for row in db.session.execute(
                select(PushSubscription.id, PushSubscription.failing_since,
                       PushSubscription.failures).where(PushSubscription.id.in_(chunk)))]
            for device_id, since, failures in rows:
                if since is not None and now - since >= PRUNE_AFTER \
                        and failures + 1 >= PRUNE_FAILURES:
                    gone.add(device_id)
            table = PushSubscription.__table__
            db.session.execute(
                update(table).where(table.c.id == bindparam("device"))
                .values(failing_since=bindparam("since"), failures=bindparam("count")),
                [{"device": device_id, "since": since or now, "count": failures + 1}
                 for device_id, since, failures in rows if device_id not in gone])
        if delivered:
            for chunk in _chunks(sorted(delivered)):
                db.session.execute(
                    update(PushSubscription)
                    .where(PushSubscription.id.in_(chunk),
                           PushSubscription.failing_since.is_not(None))
                    .values(failing_since=None, failures=0))
        if gone:
            for chunk in _chunks(sorted(gone)):
                db.session.execute(delete(PushSubscription)
                                   .where(PushSubscription.id.in_(chunk)))
        if counts:
            # One executemany on the table (Core): no ORM bookkeeping per row.
            sends = ReminderSend.__table__
            db.session.execute(
                update(sends).where(sends.c.user_id == bindparam("uid"),
                                    sends.c.kind == bindparam("sent_kind"),
                                    sends.c.local_date == bindparam("day"))
                .values(devices=bindparam("reached")),
                [{"uid": uid, "sent_kind": kind, "day": day, "reached": reached}
                 for (uid, kind, day), reached in counts.items()])
    report.removed = len(gone)


def vapid_key() -> Any:
    config = current_app.config
    cached = current_app.extensions.get("relieflog.vapid")
    if cached is None:
        cached = push.load_vapid(setting=config["VAPID_PRIVATE_KEY"],
                                 key_file=config["VAPID_KEY_FILE"])
        current_app.extensions["relieflog.vapid"] = cached
    return cached


def run_forever(*, every: float = 60.0) -> None:
    """`flask reminders run`: a pass at the start of every minute, until stopped; each
    pass also sends the queued email that is due (api/mail)."""
    holder = new_holder()
    while True:
        try:
            report = send_due(holder=holder)
            if report.sent or report.failed or report.removed:
                log.info("reminders: %d sent, %d failed, %d subscriptions removed",
                         report.sent, report.failed, report.removed)
        except Exception:  # noqa: BLE001 - a database hiccup must not end the loop
            log.exception("reminders: the pass failed")
        try:
            mailed = mail.deliver_due()  # what failed after its request, tried again
            if mailed.sent or mailed.failed:
                log.info("mail: %d sent, %d failed", mailed.sent, mailed.failed)
        except Exception:  # noqa: BLE001 - nor a mail server's
            log.exception("mail: the pass failed")
        clock.sleep(every - clock.time() % every)
