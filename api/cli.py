"""Admin commands for a self-hosted install: `flask --app api …`."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import func, select

from api.extensions import db


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Fill an EMPTY database with the demo patient (for `make demo` only)."""
        from api.auth import service as accounts
        from api.auth.models import User
        from api.calendar import local_today
        from api.demo import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TIMEZONE, demo_patient
        from api.entries.service import upsert_entry
        from api.treatments.service import put_treatment
        from api.versioning import never_stale

        if db.session.scalar(select(func.count()).select_from(User)):
            raise click.ClickException("refusing: this database already has accounts")
        user = accounts.register(email=DEMO_EMAIL, password=DEMO_PASSWORD,
                                 timezone=DEMO_TIMEZONE, display_name="Demo Patient")
        days, sessions = demo_patient(local_today(DEMO_TIMEZONE))
        for day in days:
            upsert_entry(user=user, day=day.day, precondition_failed=never_stale, data={
                "pain": day.pain, "mood": day.mood, "sleep_hours": day.sleep_hours,
                "side_effects": list(day.side_effects)})
        for s in sessions:
            put_treatment(user=user, treatment_id=s.id, precondition_failed=never_stale, data={
                "started_at": s.started_at, "route": "iv_infusion", "medication": "ketamine",
                "dose_mg": s.dose_mg, "dose_mg_per_kg": 0.5, "duration_minutes": 40,
                "phase": s.phase, "clinic": "Lakeside Infusion Center",
                "pain_before": s.pain_before, "pain_after": s.pain_after,
                "side_effects": ["dissociation"], "with_psychotherapy": False})
        db.session.commit()
        click.echo(f"seeded {len(days)} days and {len(sessions)} sessions for {DEMO_EMAIL}")
