"""Admin commands for a self-hosted install: `flask --app api …`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from api.backup import BackupError, backup, restore
from api.db import db


def one_time_link(app: Flask, path: str, token: str) -> None:
    """Print a one-time link (`PUBLIC_URL` + path + `#token`) as its last line. Without
    PUBLIC_URL in the environment the address is only guessed from HOST and PORT (default
    http://127.0.0.1:8000), which this command cannot check against the running server:
    say so first, and how to fix it."""
    base = app.config["PUBLIC_URL"]
    if not os.environ.get("PUBLIC_URL"):
        click.echo(f"Note: PUBLIC_URL is not set, so this link assumes the server answers at "
                   f"{base}. If it runs elsewhere (another port, a proxy), open the link with "
                   f"the server's address in place of {base}, and set PUBLIC_URL to the "
                   f"address people open (e.g. PUBLIC_URL=http://127.0.0.1:8080 "
                   f".venv/bin/flask --app api ...) so that links are right.")
    click.echo(f"{base}{path}#{token}")


def register(app: Flask) -> None:
    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(path: Path) -> None:
        """Write a consistent backup of the live database to PATH (safe while serving)."""
        try:
            backup(app.config["SQLALCHEMY_DATABASE_URI"], path)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"backed up to {path}")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def restore_command(path: Path, yes: bool) -> None:
        """Replace the database's content with the backup at PATH."""
        if not yes:
            click.confirm("This replaces everything in the database. Continue?", abort=True)
        try:
            restore(app.config["SQLALCHEMY_DATABASE_URI"], path)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        db.engine.dispose()
        click.echo(f"restored from {path}")

    users = AppGroup("users", help="Accounts on this install (no mail server needed).")
    app.cli.add_command(users)

    @users.command("list")
    def list_users() -> None:
        """Every account: email, created, entries, whether disabled."""
        from api.auth.models import User
        from api.entries.models import Entry

        with db.read():
            counts = dict(db.session.execute(
                select(Entry.user_id, func.count()).group_by(Entry.user_id)).all())
            users = list(db.session.scalars(select(User).order_by(User.created_at)))
        for user in users:
            state = "disabled" if user.disabled else "active"
            click.echo(f"{user.email}\t{user.created_at:%Y-%m-%d}\t"
                       f"{counts.get(user.id, 0)} entries\t{state}")

    def account(email: str) -> Any:
        from api.auth import service as accounts

        user = accounts.find_user(email)
        if user is None:
            raise click.ClickException(f"no account {email}")
        return user

    @users.command("disable")
    @click.argument("email")
    def disable_user(email: str) -> None:
        """Block an account: its sessions end, its tokens are revoked, login is refused."""
        from api.auth import service as accounts

        with db.write():
            user = account(email)
            accounts.disable(user)
        click.echo(f"disabled {user.email}")

    @users.command("enable")
    @click.argument("email")
    def enable_user(email: str) -> None:
        """Allow a disabled account to log in again."""
        with db.write():
            user = account(email)
            user.disabled = False
        click.echo(f"enabled {user.email}")

    @users.command("reset-password")
    @click.argument("email")
    def reset_password(email: str) -> None:
        """Print a one-time link that lets EMAIL choose a new password (no mail needed)."""
        from datetime import timedelta

        from api.auth import service as accounts

        hours = app.config["PASSWORD_RESET_HOURS"]
        with db.write():
            user = account(email)
            token = accounts.create_password_reset(user, valid_for=timedelta(hours=hours))
        click.echo(f"Send this link to {user.email} by a channel you trust; it works once, "
                   f"for {hours} hours:")
        one_time_link(app, "/reset", token)

    @users.command("reset-mfa")
    @click.argument("email")
    def reset_mfa(email: str) -> None:
        """Turn off EMAIL's two-step login (a lost phone, no recovery codes left): its
        sessions end, the security log says so and the account is told by email."""
        from api.auth import mfa

        with db.write():
            user = account(email)
            if not user.mfa_enabled:
                raise click.ClickException(f"{user.email} has no two-step login")
            mfa.reset(user)
        click.echo(f"two-step login turned off for {user.email}; they log in with the "
                   f"password and turn it on again")

    mail = AppGroup("mail", help="Email queued by the app (password resets, notices).")
    app.cli.add_command(mail)

    @mail.command("send")
    def send_mail() -> None:
        """One pass: send every queued message that is due (the reminders' sender does
        this every minute)."""
        from api.mail import deliver_due

        report = deliver_due()
        click.echo(f"{report.sent} sent, {report.failed} failed")

    clinics = AppGroup("clinics", help="Clinics whose providers follow connected patients.")
    app.cli.add_command(clinics)

    @clinics.command("create")
    @click.argument("name")
    @click.option("--admin", "admin_email", required=True,
                  help="Email of the clinic's first provider, its admin.")
    @click.option("--name", "admin_name", default="",
                  help='How patients see the admin in their access log, e.g. "Dr Ada Lee".')
    def create_clinic(name: str, admin_email: str, admin_name: str) -> None:
        """Create clinic NAME and print its admin's one-time setup link."""
        from api.clinics import service as clinics_service
        from api.clinics.codes import shown
        from api.domain import AlreadyExists

        if not name.strip() or len(name.strip()) > 120:
            raise click.ClickException("the clinic's name must be 1-120 characters")
        try:
            with db.write():
                clinic, token = clinics_service.create_clinic(
                    name=name, admin_email=admin_email, admin_name=admin_name)
        except AlreadyExists as error:
            raise click.ClickException(error.detail) from None
        click.echo(f"Created clinic {clinic.id} \"{clinic.name}\"; patients connect with "
                   f"the code {shown(clinic.code)}.")
        click.echo(f"Send this link to {admin_email} by a channel you trust; it works once, "
                   f"for {clinics_service.INVITE_DAYS} days, to choose a password:")
        one_time_link(app, "/reset?setup", token)  # the page reads as setting up an account

    @clinics.command("list")
    def list_clinics() -> None:
        """Every clinic: id, name, providers, connected patients."""
        from api.clinics import service as clinics_service

        with db.read():
            rows = clinics_service.list_clinics()
        for clinic, providers, patients in rows:
            click.echo(f"{clinic.id}\t{clinic.name}\t{providers} providers\t"
                       f"{patients} patients")

    @clinics.command("delete")
    @click.argument("clinic_id", type=int)
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def delete_clinic(clinic_id: int, yes: bool) -> None:
        """Delete a clinic: every patient's connection ends now, its providers cannot log in."""
        from api.clinics import service as clinics_service
        from api.domain import NotFound

        if not yes:
            click.confirm("Every connected patient's access ends now. Continue?", abort=True)
        try:
            with db.write():
                clinic = clinics_service.delete_clinic(clinic_id=clinic_id)
        except NotFound as error:
            raise click.ClickException(error.detail) from None
        click.echo(f"deleted clinic {clinic_id} \"{clinic.name}\"")

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Fill an EMPTY database with the demo patient (for `make demo` only)."""
        from api.auth import service as accounts
        from api.auth.models import User
        from api.bladder.service import save_check
        from api.calendar import local_today
        from api.demo import (
            DEMO_EMAIL,
            DEMO_PASSWORD,
            DEMO_TIMEZONE,
            demo_bladder_answers,
            demo_medications,
            demo_patient,
            demo_responses,
        )
        from api.entries.service import save_entry
        from api.medications.service import save_medication
        from api.questionnaires.service import save_response
        from api.treatments.service import save_treatment

        with db.read():
            if db.session.scalar(select(func.count()).select_from(User)):
                raise click.ClickException("refusing: this database already has accounts")
        user, _session = accounts.register(email=DEMO_EMAIL, password=DEMO_PASSWORD,
                                           timezone=DEMO_TIMEZONE, display_name="Demo Patient")
        days, sessions = demo_patient(local_today(DEMO_TIMEZONE))
        with db.write():
            for day in days:
                save_entry(user=user, day=day.day, data={
                    "pain": day.pain, "mood": day.mood, "sleep_hours": day.sleep_hours,
                    "side_effects": list(day.side_effects)})
            for s in sessions:
                save_treatment(user=user, treatment_id=s.id, data={
                    "started_at": s.started_at, "route": "iv_infusion", "medication": "ketamine",
                    "dose_mg": s.dose_mg, "dose_mg_per_kg": 0.5, "duration_minutes": 40,
                    "phase": s.phase, "clinic": "Lakeside Infusion Center",
                    "pain_before": s.pain_before, "pain_after": s.pain_after,
                    "side_effects": ["dissociation"], "with_psychotherapy": False,
                    "vitals": list(s.vitals), "observation_minutes": s.observation_minutes,
                    "concomitant": list(s.concomitant)})
            responses = demo_responses(days)
            for r in responses:
                save_response(user=user, response_id=r.id, data={
                    "instrument": r.instrument, "answered_at": r.answered_at,
                    "answers": r.answers})
            first = days[0].day
            medications = demo_medications(first)
            for m in medications:
                medication = {"name": m.name, "dose": m.dose, "drug_class": m.drug_class,
                              "started_on": m.started_on, "stopped_on": m.stopped_on,
                              "notes": m.notes}
                save_medication(user=user, medication_id=m.id, data=medication)
                if m.new_dose is not None:
                    save_medication(user=user, medication_id=m.id, data={
                        **medication, "dose": m.new_dose, "dose_changed_on": m.changed_on})
            answers = demo_bladder_answers(first)
            for a in answers:
                save_check(user=user, day=a.day, data={"symptoms": list(a.symptoms)})
        click.echo(f"seeded {len(days)} days, {len(sessions)} sessions, {len(responses)} "
                   f"check-ins, {len(medications)} medications and {len(answers)} bladder "
                   f"answers for {DEMO_EMAIL}")

    reminders = AppGroup("reminders", help="Send due reminders by Web Push.")

    @reminders.command("send")
    def send_reminders() -> None:
        """One pass: send what is due now (for cron, every minute)."""
        from api.reminders.sender import send_due

        report = send_due()
        if not report.leased:
            click.echo("another sender holds the lease; nothing sent")
            return
        click.echo(f"{report.sent} sent, {report.failed} failed, {report.removed} "
                   f"subscriptions removed")

    @reminders.command("run")
    def run_reminders() -> None:
        """Send due reminders every minute until stopped (beside gunicorn)."""
        import logging

        from api.reminders.sender import run_forever

        logging.basicConfig(level=logging.INFO, format="%(asctime)s [reminders] %(message)s")
        click.echo("reminders: sending due reminders every minute (Ctrl-C stops)")
        try:
            run_forever()
        except KeyboardInterrupt:
            click.echo("reminders: stopped")

    app.cli.add_command(reminders)
