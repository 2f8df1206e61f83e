"""`flask --app api clinics …`: the operator creates, lists and deletes clinics."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from api.clinics import service
from api.clinics.codes import shown
from api.db import db
from api.domain import AlreadyExists, NotFound
from api.links import one_time_link

clinics = AppGroup("clinics", help="Clinics whose providers follow connected patients.")


@clinics.command("create")
@click.argument("name")
@click.option("--admin", "admin_email", required=True,
              help="Email of the clinic's first provider, its admin.")
@click.option("--name", "admin_name", default="",
              help='How patients see the admin in their access log, e.g. "Dr Ada Lee".')
def create_clinic(name: str, admin_email: str, admin_name: str) -> None:
    """Create clinic NAME and print its admin's one-time setup link."""
    if not name.strip() or len(name.strip()) > 120:
        raise click.ClickException("the clinic's name must be 1-120 characters")
    try:
        with db.write():
            clinic, token = service.create_clinic(
                name=name, admin_email=admin_email, admin_name=admin_name)
    except AlreadyExists as error:
        raise click.ClickException(error.detail) from None
    click.echo(f"Created clinic {clinic.id} \"{clinic.name}\"; patients connect with "
               f"the code {shown(clinic.code)}.")
    click.echo(f"Send this link to {admin_email} by a channel you trust; it works once, "
               f"for {service.INVITE_DAYS} days, to choose a password:")
    one_time_link("/reset?setup", token)  # the page reads as setting up an account


@clinics.command("list")
def list_clinics() -> None:
    """Every clinic: id, name, providers, connected patients."""
    with db.read():
        rows = service.list_clinics()
    for clinic, providers, patients in rows:
        click.echo(f"{clinic.id}\t{clinic.name}\t{providers} providers\t"
                   f"{patients} patients")


@clinics.command("delete")
@click.argument("clinic_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete_clinic(clinic_id: int, yes: bool) -> None:
    """Delete a clinic: every patient's connection ends now, its providers cannot log in."""
    if not yes:
        click.confirm("Every connected patient's access ends now. Continue?", abort=True)
    try:
        with db.write():
            clinic = service.delete_clinic(clinic_id=clinic_id)
    except NotFound as error:
        raise click.ClickException(error.detail) from None
    click.echo(f"deleted clinic {clinic_id} \"{clinic.name}\"")
