"""The reminders' sender against a push-service stand-in on 127.0.0.1, with the clock set
by the test (send_due(now=...)): what is due, once, encrypted and signed, DST, two senders."""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import event, func, select

from api.auth.models import User
from api.db import db
from api.reminders.models import PushSubscription, ReminderSend
from api.reminders.sender import find_due, scheduled_instant, send_due, take_lease
from tests.conftest import other_app, register
from tests.support.push_service import Device, push_service, verify_vapid

# What lets the sender post to the push-service stand-in on 127.0.0.1: its plain-http
# endpoints (a tests-only setting) and its loopback address (refused by default).
STAND_IN = {"PUSH_ALLOW_LOOPBACK_HTTP": True, "PUSH_PRIVATE_NETWORKS_ALLOWED": "127.0.0.1/32"}
NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def vapid_pem() -> str:
    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()


@pytest.fixture
def service():
    with push_service() as running:
        yield running


@pytest.fixture
def sender_app(app, database_url, vapid_pem):
    """The app with the stand-in allowed (tests only) and quick retries."""
    with other_app(database_url, **STAND_IN, VAPID_PRIVATE_KEY=vapid_pem,
                   REMINDER_RETRY_SECONDS=0.01, VAPID_SUBJECT="mailto:admin@example.org"
                   ) as application:
        yield application


class Patient:
    def __init__(self, app, service, *, timezone="UTC", name=None, language="en"):
        self.app = app
        self.client = app.test_client()
        self.client.user = register(self.client, timezone=timezone)
        self.device = Device(service, name or uuid.uuid4().hex)
        response = self.client.post("/api/v1/push/subscriptions",
                                    json=self.device.subscription(language=language))
        assert response.status_code == 201, response.get_json()

    def remind(self, *, daily=True, time="20:00", after_session=False, questionnaires=False):
        response = self.client.put("/api/v1/me/reminders", json={
            "daily": {"enabled": daily, "time": time}, "after_session": after_session,
            "questionnaires": questionnaires})
        assert response.status_code == 200

    def log(self, day: date) -> None:
        response = self.client.put(f"/api/v1/entries/{day.isoformat()}",
                                   json={"pain": 7, "mood": 2, "notes": "SECRET-NOTE"})
        assert response.status_code in (200, 201), response.get_json()

    def pushes(self, service) -> list[dict]:
        return [self.device.decrypt(r) for r in service.to(self.device.path)]


def at(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(UTC)


def send(app, now: datetime, **kwargs):
    with app.app_context():
        return send_due(now=now, **kwargs)


def test_a_daily_reminder_is_encrypted_signed_and_says_nothing_private(sender_app, service):
    alice = Patient(sender_app, service, timezone="Europe/Berlin", name="alice")
    alice.remind(time="20:00")
    alice.log(date(2026, 11, 1))  # another day: its scores must never appear
    public_key = alice.client.get("/api/v1/push/key").get_json()["public_key"]

    before = send(sender_app, at(BERLIN, 2026, 11, 2, 19, 59))
    assert before.sent == 0 and service.received == []
    report = send(sender_app, at(BERLIN, 2026, 11, 2, 20, 0))
    assert report.sent == 1
    [received] = service.to(alice.device.path)
    assert alice.device.decrypt(received) == {
        "kind": "daily", "title": "Relieflog", "body": "Time for today's check-in",
        "url": "/today"}
    text = received.body.decode("latin-1") + str(received.headers)
    for secret in ("SECRET-NOTE", "2026-11", "pain", "mood", "7"):
        assert secret not in str(alice.device.decrypt(received))
    assert "SECRET" not in text
    claims = verify_vapid(received, public_key=public_key, audience=service.url)
    assert claims["sub"] == "mailto:admin@example.org"
    assert 0 < int(received.headers["ttl"]) <= 24 * 3600


def test_spanish_when_the_device_asked_for_it(sender_app, service):
    sofia = Patient(sender_app, service, language="es")
    sofia.remind(time="09:00")
    send(sender_app, at(UTC, 2026, 11, 2, 9, 0))
    [message] = sofia.pushes(service)
    assert message["body"] == "Es hora del registro de hoy"


def test_only_when_today_is_not_logged_and_once_a_day(sender_app, service):
    logged = Patient(sender_app, service, timezone="America/New_York")
    missing = Patient(sender_app, service, timezone="America/New_York")
    for patient in (logged, missing):
        patient.remind(time="21:15")
    logged.log(date(2026, 6, 10))
    for minute in (15, 16, 30):
        send(sender_app, at(NY, 2026, 6, 10, 21, minute))
    assert logged.pushes(service) == []
    assert len(missing.pushes(service)) == 1
    send(sender_app, at(NY, 2026, 6, 11, 21, 15))  # the next day: again
    assert len(missing.pushes(service)) == 2
    assert len(logged.pushes(service)) == 1


def test_too_late_is_not_sent(sender_app, service):
    patient = Patient(sender_app, service)
    patient.remind(time="08:00")
    send(sender_app, at(UTC, 2026, 6, 10, 11, 1))  # 3 hours after: stale
    assert patient.pushes(service) == []


def test_no_reminders_when_turned_off(sender_app, service):
    patient = Patient(sender_app, service)
    patient.remind(daily=False)
    send(sender_app, at(UTC, 2026, 6, 10, 20, 0))
    assert patient.pushes(service) == []


def test_remind_me_in_an_hour(sender_app, service):
    patient = Patient(sender_app, service)
    patient.remind(time="20:00")
    send(sender_app, at(UTC, 2026, 6, 10, 20, 0))
    assert len(patient.pushes(service)) == 1
    with sender_app.app_context():
        from api.reminders import service as reminders
        with db.write():
            uid = db.session.scalar(select(User.id).where(
                User.email == patient.client.user["email"]))
            reminders.snooze(user_id=uid, endpoint=patient.device.endpoint, kind="daily",
                             now=at(UTC, 2026, 6, 10, 20, 1))
    send(sender_app, at(UTC, 2026, 6, 10, 20, 30))
    assert len(patient.pushes(service)) == 1
    send(sender_app, at(UTC, 2026, 6, 10, 21, 1))
    send(sender_app, at(UTC, 2026, 6, 10, 21, 2))
    assert [m["kind"] for m in patient.pushes(service)] == ["daily", "daily"]


def test_snoozing_through_the_api(sender_app, service):
    patient = Patient(sender_app, service)
    response = patient.client.post("/api/v1/push/snooze",
                                   json={"endpoint": patient.device.endpoint,
                                         "kind": "questionnaire"})
    assert response.status_code == 200
    remind_at = datetime.fromisoformat(response.get_json()["remind_at"])
    send(sender_app, remind_at - timedelta(minutes=1))
    assert patient.pushes(service) == []
    send(sender_app, remind_at)
    assert [m["kind"] for m in patient.pushes(service)] == ["questionnaire"]


def test_the_day_after_a_session(sender_app, service):
    patient = Patient(sender_app, service, timezone="Europe/Berlin")
    patient.remind(daily=False, time="10:00", after_session=True)
    response = patient.client.put(f"/api/v1/treatments/{uuid.uuid4()}", json={
        "started_at": "2026-06-10T15:00:00+02:00", "route": "iv_infusion"})
    assert response.status_code == 201, response.get_json()
    send(sender_app, at(BERLIN, 2026, 6, 10, 10, 0))  # the session's own day
    assert patient.pushes(service) == []
    send(sender_app, at(BERLIN, 2026, 6, 11, 10, 0))
    send(sender_app, at(BERLIN, 2026, 6, 11, 10, 5))
    assert [m["kind"] for m in patient.pushes(service)] == ["after_session"]
    send(sender_app, at(BERLIN, 2026, 6, 12, 10, 0))
    assert len(patient.pushes(service)) == 1


def test_a_questionnaire_on_the_day_it_falls_due(sender_app, service):
    patient = Patient(sender_app, service)
    patient.client.patch("/api/v1/me", json={"questionnaires": ["peg"]})
    patient.remind(daily=False, time="18:00", questionnaires=True)
    answered = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    response = patient.client.put(f"/api/v1/responses/{uuid.uuid4()}", json={
        "instrument": "peg", "answered_at": answered.isoformat(),
        "answers": {"q1": 5, "q2": 5, "q3": 5}})
    assert response.status_code == 201, response.get_json()
    send(sender_app, at(UTC, 2026, 6, 7, 18, 0))  # PEG: due 7 days after, on the 8th
    assert patient.pushes(service) == []
    send(sender_app, at(UTC, 2026, 6, 8, 18, 0))
    send(sender_app, at(UTC, 2026, 6, 9, 18, 0))  # still due: same period, not again
    assert patient.pushes(service) == [{
        "kind": "questionnaire", "title": "Relieflog", "body": "A check-in is due",
        "url": "/checkin/peg"}]


def test_questionnaires_due_for_many_patients_take_no_more_queries_than_for_few(
        sender_app, service):
    """The sender looks up due check-ins a chunk of patients at a time, each on their own
    local date: twice the patients in two time zones, the same number of queries."""
    kiritimati = ZoneInfo("Pacific/Kiritimati")  # UTC+14: already tomorrow
    now = at(UTC, 2026, 12, 5, 18, 0)

    def add_patients(count: int) -> None:
        for n in range(count):
            zone = kiritimati if n % 2 else ZoneInfo("UTC")
            patient = Patient(sender_app, service, timezone=zone.key)
            patient.remind(daily=False, time=now.astimezone(zone).strftime("%H:%M"),
                           questionnaires=True)

    def queries_and_due() -> tuple[int, list]:
        statements = []
        with sender_app.app_context():
            listen = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listen)
            try:
                with db.read():
                    due = find_due(now, late=timedelta(hours=3))
            finally:
                event.remove(db.engine, "before_cursor_execute", listen)
        return len(statements), due

    add_patients(2)
    few, due_few = queries_and_due()
    add_patients(6)
    many, due_many = queries_and_due()
    # PHQ-9 and PEG (the defaults) never answered: both due for every patient.
    assert len(due_few) == 2 * 2 and len(due_many) == 8 * 2
    assert {(d.key, d.url) for d in due_many} == {
        ("questionnaire:phq9", "/checkin/phq9"), ("questionnaire:peg", "/checkin/peg")}
    assert many == few


@pytest.mark.parametrize(("zone", "day"), [
    (NY, date(2026, 3, 8)), (NY, date(2026, 11, 1)),
    (BERLIN, date(2026, 3, 29)), (BERLIN, date(2026, 10, 25)),
])
def test_20_00_on_the_day_the_clocks_change_goes_out_once(sender_app, service, zone, day):
    patient = Patient(sender_app, service, timezone=zone.key)
    patient.remind(time="20:00")
    local_20 = datetime(day.year, day.month, day.day, 20, 0, tzinfo=zone)
    assert local_20.astimezone(UTC).astimezone(zone).hour == 20
    minute = timedelta(minutes=1)
    start = datetime(day.year, day.month, day.day, 0, 0, tzinfo=zone).astimezone(UTC)
    moments = [start + timedelta(hours=h) for h in range(0, 25)]
    moments += [local_20.astimezone(UTC) - minute, local_20.astimezone(UTC),
                local_20.astimezone(UTC) + minute]
    sent_at = []
    for moment in sorted(moments):
        if send(sender_app, moment).sent:
            sent_at.append(moment)
    assert sent_at == [local_20.astimezone(UTC)]


@pytest.mark.parametrize(("zone", "day", "expected_utc"), [
    (NY, date(2026, 3, 8), datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),  # 03:00 EDT
    (BERLIN, date(2026, 3, 29), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),  # 03:00 CEST
])
def test_a_time_that_does_not_exist_goes_out_at_the_first_instant_after(
        sender_app, service, zone, day, expected_utc):
    assert scheduled_instant(day, "02:30", zone) == expected_utc
    patient = Patient(sender_app, service, timezone=zone.key)
    patient.remind(time="02:30")
    assert send(sender_app, expected_utc - timedelta(minutes=1)).sent == 0
    assert send(sender_app, expected_utc).sent == 1
    assert send(sender_app, expected_utc + timedelta(minutes=1)).sent == 0


def test_scheduled_instant_on_ordinary_and_repeated_times():
    assert scheduled_instant(date(2026, 7, 1), "20:00", NY) == datetime(
        2026, 7, 2, 0, 0, tzinfo=UTC)
    # 01:30 happens twice on fall-back day: the first one (EDT).
    assert scheduled_instant(date(2026, 11, 1), "01:30", NY) == datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC)
    assert scheduled_instant(date(2026, 10, 25), "02:30", BERLIN) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize("status", [404, 410])
def test_gone_subscriptions_are_deleted(sender_app, service, status):
    """At once, tried once; the patient's other device is kept."""
    patient = Patient(sender_app, service)
    patient.remind(time="20:00")
    [working] = _devices(sender_app, patient, service, 1)
    service.status[patient.device.path] = status
    report = send(sender_app, at(UTC, 2026, 6, 10, 20, 0))
    assert report.removed == 1 and report.sent == 1
    assert len(service.to(patient.device.path)) == 1
    assert _count_devices(sender_app, endpoint=patient.device.endpoint) == 0
    assert _count_devices(sender_app, endpoint=working.endpoint) == 1


def test_failures_are_retried_then_logged_by_host_only(sender_app, service, caplog):
    flaky = Patient(sender_app, service, name="flaky")
    broken = Patient(sender_app, service, name="broken")
    for patient in (flaky, broken):
        patient.remind(time="20:00")
    service.script[flaky.device.path] = [500, 503]
    service.script[broken.device.path] = [500, 500, 500, 500]
    with caplog.at_level(logging.WARNING, logger="relieflog.reminders"):
        report = send(sender_app, at(UTC, 2026, 6, 10, 20, 0))
    assert len(service.to(flaky.device.path)) == 3 and len(flaky.pushes(service)) == 3
    assert len(service.to(broken.device.path)) == 3
    assert report.sent == 1 and report.failed == 1
    logged = caplog.text
    assert "127.0.0.1" in logged and "HTTP 500" in logged
    assert "/push/" not in logged and "broken" not in logged
    with sender_app.app_context(), db.read():
        assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 2


def test_one_lease_at_a_time(sender_app):
    with sender_app.app_context():
        assert take_lease("first", 60)
        assert not take_lease("second", 60)
        assert take_lease("first", 60)  # renewing is fine
        assert send_due(now=at(UTC, 2026, 6, 10, 20, 0), holder="second").leased is False


def test_two_senders_send_each_reminder_once(sender_app, service, database_url,
                                             vapid_pem):
    patients = [Patient(sender_app, service) for _ in range(12)]
    for patient in patients:
        patient.remind(time="20:00")
    moments = [at(UTC, 2026, 6, 10, 20, 0) + timedelta(seconds=s) for s in range(0, 60, 5)]
    with other_app(database_url, **STAND_IN, VAPID_PRIVATE_KEY=vapid_pem) as second:
        errors: list[BaseException] = []

        def run(app):
            try:
                for moment in moments:
                    send(app, moment)
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=run, args=(a,)) for a in (sender_app, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    for patient in patients:
        assert len(patient.pushes(service)) == 1
    with sender_app.app_context(), db.read():
        assert db.session.scalar(select(func.count()).select_from(ReminderSend)) == 12


def test_flask_reminders_send_runs_one_pass(sender_app, service):
    patient = Patient(sender_app, service)
    patient.remind(time="00:00")  # sent or not depends on the hour: the pass must run
    result = sender_app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "sent" in result.output
    with sender_app.app_context():
        assert take_lease("someone-else", 60)  # the pass released its lease


# --- Where the sender connects (issue 20, item 2) ----------------------------------------

def _store_device(app, who: Patient, endpoint: str) -> None:
    """A subscription stored as it is (one from before today's rules, or a name whose
    DNS changed since): what the sender does at send time is the point."""
    with app.app_context(), db.write():
        uid = db.session.scalar(select(User.id).where(User.email == who.client.user["email"]))
        db.session.execute(PushSubscription.__table__.update()
                           .where(PushSubscription.user_id == uid)
                           .values(endpoint=endpoint))


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_an_address_on_this_machine_is_refused_at_send_time(app, database_url, vapid_pem,
                                                             service, caplog, host):
    """A push service's name that DNS resolves to 127.0.0.1 (here: localhost) is not
    connected to, unless PUSH_PRIVATE_NETWORKS_ALLOWED lists the address."""
    with other_app(database_url, PUSH_ALLOW_LOOPBACK_HTTP=True, VAPID_PRIVATE_KEY=vapid_pem,
                   REMINDER_RETRY_SECONDS=0.01) as strict:
        patient = Patient(strict, service)
        patient.remind(time="20:00")
        port = service.url.rsplit(":", 1)[1]
        _store_device(strict, patient, f"http://{host}:{port}{patient.device.path}")
        with caplog.at_level(logging.WARNING, logger="relieflog.reminders"):
            report = send(strict, at(UTC, 2026, 6, 10, 20, 0))
    assert service.received == []
    assert report.sent == 0 and report.failed == 1
    assert "not a public address" in caplog.text
    # The same device with the stand-in's network allowed: it is the address that was
    # refused, and a name is still posted to by name (the Host header).
    with other_app(database_url, **STAND_IN, VAPID_PRIVATE_KEY=vapid_pem) as allowed:
        assert send(allowed, at(UTC, 2026, 6, 11, 20, 0)).sent == 1
    [received] = service.to(patient.device.path)
    assert received.headers["host"] == f"{host}:{port}"
    assert patient.device.decrypt(received)["kind"] == "daily"


def test_an_allowed_host_that_resolves_to_loopback_is_accepted_then_refused_when_sending(
        app, database_url, vapid_pem, caplog):
    """PUSH_ALLOWED_HOSTS naming a host whose DNS says 127.0.0.1: the subscription is
    stored (the name is allowed), the sender never connects to it."""
    with push_service() as service, other_app(
            database_url, PUSH_ALLOWED_HOSTS="localhost", VAPID_PRIVATE_KEY=vapid_pem,
            REMINDER_RETRY_SECONDS=0.01) as configured:
        client = configured.test_client()
        client.user = register(client)
        device = Device(service, "local")
        response = client.post("/api/v1/push/subscriptions", json={
            **device.subscription(), "endpoint": "https://localhost/push/local"})
        assert response.status_code == 201, response.get_json()
        client.put("/api/v1/me/reminders", json={
            "daily": {"enabled": True, "time": "20:00"}, "after_session": False,
            "questionnaires": False})
        with caplog.at_level(logging.WARNING, logger="relieflog.reminders"):
            report = send(configured, at(UTC, 2026, 6, 10, 20, 0))
    assert report.sent == 0 and report.failed == 1
    assert "push to localhost failed after 1 tries: refused: not a public address" \
        in caplog.text


def test_the_pinned_connection_still_checks_the_push_services_certificate(
        app, database_url, vapid_pem, service, monkeypatch, tmp_path):
    """The sender connects to the address it checked, but TLS is for the name: the
    push service is asked for "localhost" (SNI) and must show a certificate for it."""
    with push_service(tls_name="localhost") as right, \
            push_service(tls_name="push.example.org") as wrong, \
            other_app(database_url, **STAND_IN, VAPID_PRIVATE_KEY=vapid_pem,
                      REMINDER_RETRY_SECONDS=0.01) as configured:
        bundle = tmp_path / "trusted.pem"
        bundle.write_text(Path(right.ca_file).read_text() + Path(wrong.ca_file).read_text())
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
        good, bad = Patient(configured, service), Patient(configured, service)
        for patient, stand_in in ((good, right), (bad, wrong)):
            patient.remind(time="20:00")
            port = stand_in.url.rsplit(":", 1)[1]
            _store_device(configured, patient,
                          f"https://localhost:{port}{patient.device.path}")
        report = send(configured, at(UTC, 2026, 6, 10, 20, 0))
    assert report.sent == 1 and report.failed == 1
    [received] = right.to(good.device.path)
    assert good.device.decrypt(received)["kind"] == "daily"
    assert right.server_names and set(right.server_names) == {"localhost"}
    assert wrong.received == []  # the wrong certificate: nothing was posted
    assert service.received == []


@pytest.mark.parametrize(("address", "public"), [
    ("127.0.0.1", False), ("127.8.9.10", False), ("::1", False), ("10.1.2.3", False),
    ("172.16.0.1", False), ("192.168.1.1", False), ("169.254.169.254", False),
    ("fe80::1", False), ("fc00::1", False), ("100.64.0.1", False), ("0.0.0.0", False),
    ("::", False), ("224.0.0.251", False), ("ff02::1", False), ("240.0.0.1", False),
    ("255.255.255.255", False), ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False),
    ("192.0.2.1", False), ("2001:db8::1", False),
    ("142.250.185.202", True), ("2a00:1450:4001:80b::200a", True),
])
def test_which_addresses_the_sender_connects_to(address, public):
    import ipaddress

    from api.reminders.push import public_address
    assert public_address(ipaddress.ip_address(address)) is public


# --- One patient cannot stall everyone's reminders (issue 20, item 3) --------------------

def _devices(app, who: Patient, service, count: int) -> list[Device]:
    """`count` more devices on the patient's account (browsers subscribing)."""
    devices = []
    for _ in range(count):
        device = Device(service, uuid.uuid4().hex)
        response = who.client.post("/api/v1/push/subscriptions", json=device.subscription())
        assert response.status_code == 201, response.get_json()
        devices.append(device)
    return devices


def test_one_patients_failing_devices_do_not_hold_up_the_others(
        app, database_url, vapid_pem, service):
    """Ten devices of one patient that time out or answer 500: the other patients'
    reminders go out in the first round, before the first of those could time out; the
    slow devices are not waited for twice, the failing ones are tried again after."""
    timeout = 2.0
    with other_app(database_url, **STAND_IN, VAPID_PRIVATE_KEY=vapid_pem,
                   REMINDER_RETRY_SECONDS=0.01, REMINDER_WORKERS=4,
                   REMINDER_TIMEOUT_SECONDS=timeout) as pool:
        noisy = Patient(pool, service)  # registered first: the lowest id
        slow = [noisy.device, *_devices(pool, noisy, service, 4)]
        failing = _devices(pool, noisy, service, 5)
        others = [Patient(pool, service) for _ in range(3)]
        for patient in (noisy, *others):
            patient.remind(time="20:00")
        for device in slow:
            service.slow[device.path] = 3 * timeout  # answers only after the timeout
        for device in failing:
            service.status[device.path] = 500
        report = send(pool, at(UTC, 2026, 6, 10, 20, 0))
    assert report.sent == 3 and report.failed == 10
    first_slow = min(r.at for d in slow for r in service.to(d.path))
    for patient in others:
        [received] = service.to(patient.device.path)
        assert received.at < first_slow + timeout
        assert patient.device.decrypt(received)["kind"] == "daily"
    assert [len(service.to(d.path)) for d in slow] == [1] * 5  # a timeout is not retried
    assert [len(service.to(d.path)) for d in failing] == [3] * 5


def _count_devices(app, **where) -> int:
    with app.app_context(), db.read():
        query = select(func.count()).select_from(PushSubscription)
        for name, value in where.items():
            query = query.where(getattr(PushSubscription, name) == value)
        return db.session.scalar(query)


def test_a_device_that_keeps_failing_is_deleted_after_three_days(sender_app, service):
    patient = Patient(sender_app, service)
    patient.remind(time="20:00")
    broken, flaky = _devices(sender_app, patient, service, 2)
    service.status[broken.path] = 500
    removed = {}
    for day in range(1, 6):
        # The flaky one fails on days 1 and 2, works on 3, fails on 4 and 5: kept.
        service.status[flaky.path] = 201 if day == 3 else 503
        report = send(sender_app, at(UTC, 2026, 6, day, 20, 0))
        assert report.sent == (2 if day == 3 else 1)
        removed[day] = report.removed
        if day < 4:
            assert _count_devices(sender_app, endpoint=broken.endpoint) == 1, day
    # Failing since June 1st: on the 4th, three days later, it goes.
    assert removed == {1: 0, 2: 0, 3: 0, 4: 1, 5: 0}
    assert _count_devices(sender_app, endpoint=broken.endpoint) == 0
    assert _count_devices(sender_app, endpoint=flaky.endpoint) == 1
    assert _count_devices(sender_app, endpoint=patient.device.endpoint) == 1
    # A device already failing gets one try a pass, not three.
    assert len(service.to(broken.path)) == 3 + 1 + 1 + 1
