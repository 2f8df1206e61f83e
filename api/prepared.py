"""Prepared statements for the few queries on the hottest paths.

Executing a Core statement costs about 20 µs of SQLAlchemy's machinery (execution
context, result set-up, event dispatch) where SQLite itself needs 3 µs. Finding the caller
runs on every authenticated request and saving an entry runs three statements, so those
statements are `Prepared`: SQLAlchemy compiles each one once per dialect, with its own
type conversions for every parameter and column, and the driver's cursor on the
transaction's connection runs the SQL. The SQL is SQLAlchemy's, from one Core definition,
on SQLite and PostgreSQL alike; driver errors come out as SQLAlchemy's exceptions, so
`except IntegrityError` works as elsewhere. Everything else executes the usual way.

What is left out on purpose: Python-side column defaults (a statement that would need
one is refused: pass every value), expanding IN parameters, and execution events. A
connection that dropped is not invalidated here; the pool's pre-ping replaces it at the
next checkout.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement, Insert, Update
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any] | None


@dataclass
class _Plan:
    sql: str
    compiled: SQLCompiler
    positional: list[str] | None  # bind names in order, for a positional paramstyle
    binds: Mapping[str, Callable[[Any], Any]]  # the parameters that need converting
    columns: list[tuple[str, Processor]] | None  # a SELECT's columns, once executed


class Prepared:
    """A Core statement built once, compiled once per dialect, run on the DBAPI cursor."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._plans: dict[tuple[str, frozenset[str]], _Plan] = {}

    def _plan(self, dialect: Dialect, keys: frozenset[str]) -> _Plan:
        plan = self._plans.get((dialect.name, keys))
        if plan is None:
            plan = self._plans[(dialect.name, keys)] = self._compile(dialect, keys)
        return plan

    def _compile(self, dialect: Dialect, keys: frozenset[str]) -> _Plan:
        # INSERT and UPDATE set the columns named in the parameters, as execute() does.
        # An INSERT is inline: nothing (such as a new primary key) is fetched back.
        statement = self.statement
        if isinstance(statement, Insert):
            statement = statement.inline()
        writes = isinstance(statement, Insert | Update)
        compiled = statement.compile(dialect=dialect,
                                     column_keys=sorted(keys) if writes else None)
        assert isinstance(compiled, SQLCompiler)
        if compiled.insert_prefetch or compiled.update_prefetch:
            missing = [c.key for c in [*compiled.insert_prefetch, *compiled.update_prefetch]]
            raise ValueError(f"a prepared statement needs every value; missing {missing}")
        if any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("a prepared statement takes no expanding (IN) parameters")
        processors = {name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                      for name, bind in compiled.binds.items()}
        binds = {name: process for name, process in processors.items() if process is not None}
        positional = list(compiled.positiontup or ()) if compiled.positional else None
        return _Plan(compiled.string, compiled, positional, binds, None)

    def _execute(self, connection: Connection,
                 parameters: Mapping[str, Any]) -> tuple[_Plan, Any]:  # (plan, DBAPI cursor)
        dialect = connection.dialect
        plan = self._plan(dialect, frozenset(parameters))
        values = plan.compiled.construct_params(parameters)
        for name, process in plan.binds.items():
            values[name] = process(values[name])
        arguments = [values[name] for name in plan.positional] \
            if plan.positional is not None else values
        cursor = connection.connection.cursor()
        try:
            cursor.execute(plan.sql, arguments)
        except dialect.loaded_dbapi.Error as error:
            cursor.close()
            raise DBAPIError.instance(plan.sql, arguments, error, dialect.loaded_dbapi.Error,
                                      hide_parameters=True, dialect=dialect) from error
        return plan, cursor

    def rows(self, connection: Connection,
             parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
        """A SELECT's rows as mappings of column key to value, converted as Core would."""
        plan, cursor = self._execute(connection, parameters)
        try:
            if plan.columns is None:
                plan.columns = _result_columns(self.statement, connection.dialect,
                                               cursor.description)
            return [
                {key: process(value) if process is not None else value
                 for (key, process), value in zip(plan.columns, row, strict=True)}
                for row in cursor.fetchall()
            ]
        finally:
            cursor.close()

    def first(self, connection: Connection,
              parameters: Mapping[str, Any]) -> dict[str, Any] | None:
        rows = self.rows(connection, parameters)
        return rows[0] if rows else None

    def run(self, connection: Connection, parameters: Mapping[str, Any]) -> int:
        """An INSERT, UPDATE or DELETE; returns the number of rows it matched."""
        _plan, cursor = self._execute(connection, parameters)
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()


def _result_columns(statement: ClauseElement, dialect: Dialect,
                    description: Any) -> list[tuple[str, Processor]]:
    columns = list(statement.selected_columns)  # type: ignore[attr-defined]
    return [
        (column.key, column.type.dialect_impl(dialect).result_processor(dialect, field[1]))
        for column, field in zip(columns, description, strict=True)
    ]
