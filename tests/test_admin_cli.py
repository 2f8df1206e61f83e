"""The admin commands a self-hosted install relies on."""

from __future__ import annotations

from tests.conftest import PASSWORD


def test_users_list_disable_enable(app, alice):
    email = alice.user["email"]
    alice.put("/api/v1/entries/2026-03-01", json={"pain": 2})
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["users", "list"])
    assert email in listed.output and "1 entries" in listed.output and "active" in listed.output

    assert runner.invoke(args=["users", "disable", email]).exit_code == 0
    assert alice.get("/api/v1/me").status_code == 401  # the session ended
    login = app.test_client().post("/api/v1/auth/login",
                                   json={"email": email, "password": PASSWORD})
    assert login.status_code == 401
    assert "disabled" in runner.invoke(args=["users", "list"]).output

    assert runner.invoke(args=["users", "enable", email]).exit_code == 0
    login = app.test_client().post("/api/v1/auth/login",
                                   json={"email": email, "password": PASSWORD})
    assert login.status_code == 200


def test_unknown_email_is_an_error(app):
    result = app.test_cli_runner().invoke(args=["users", "disable", "nobody@example.org"])
    assert result.exit_code != 0 and "no account" in result.output


def test_the_command_line_keeps_its_names_and_options(app):
    """Each domain declares its own commands (api/<domain>/cli.py, registered in api/cli.py);
    the operator's command lines in docs/operations.md stay exactly these."""
    import click

    def shape(command: click.Command) -> object:
        if isinstance(command, click.Group):
            return {name: shape(sub) for name, sub in sorted(command.commands.items())}
        return sorted(tuple(param.opts) for param in command.params)

    ours = {name: shape(command) for name, command in app.cli.commands.items()
            if name not in ("db", "limiter", "openapi")}
    assert ours == {
        "backup": [("path",)],
        "restore": [("--yes",), ("path",)],
        "users": {"disable": [("email",)], "enable": [("email",)], "list": [],
                  "reset-mfa": [("email",)], "reset-password": [("email",)]},
        "mail": {"send": []},
        "clinics": {"create": [("--admin",), ("--name",), ("name",)], "delete": [
            ("--yes",), ("clinic_id",)], "list": []},
        "seed-demo": [],
        "reminders": {"run": [], "send": []},
    }


def test_a_domains_commands_are_its_own():
    """Only api/cli.py gathers the commands: no module of a domain imports another
    domain's cli (they would tie the domains together above their services)."""
    import ast

    from api.config import ROOT

    api = ROOT / "api"
    found = []
    for path in api.glob("*/*.py"):
        domain = path.parent.name
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [])
            found += [f"{path.relative_to(ROOT)}: {name}" for name in names
                      if name.startswith("api.") and name.endswith(".cli")
                      and name.split(".")[1] != domain]
    assert found == []
    assert sorted(path.parent.name for path in api.glob("*/cli.py")) == [
        "auth", "clinics", "mail", "reminders"]
