"""Selects run on the database driver's own cursor: the reads the web app makes on every
request.

Through ``Connection.execute`` one such read (a session, a chain's head, its invitations)
cost 160 to 200 µs on SQLite, of which the query itself took about 20: the rest went to the
execution context, the result's metadata, its row objects and the pool's connection wrapper,
and three of them were half of a dashboard view. Here a select is compiled once for each
engine's dialect; each run takes a driver connection from the engine's pool, executes the SQL
on its cursor, and converts the values as SQLAlchemy would have (bound values, times, JSON).
Rows come back as named tuples, read by attribute as SQLAlchemy's rows are.
"""

from __future__ import annotations

import threading
import weakref
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Select, exc


@dataclass(frozen=True)
class _Plan:
    """A select compiled for one engine."""

    sql: str
    positional: bool
    names: tuple[str, ...]  # the bound parameters, in the order a positional driver takes them
    defaults: Mapping[str, Any]  # values the statement carries itself (a LIMIT)
    binds: Mapping[str, Callable[[Any], Any]]  # conversions of bound values, where a type has one
    results: tuple[Callable[[Any], Any] | None, ...]  # conversions of each column's value
    row: Callable[..., tuple[Any, ...]]


class FastSelect:
    """A select to run often on the driver's cursor (``all``, ``first``), with the values of its
    ``bindparam``s given by name."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._plans: weakref.WeakKeyDictionary[Engine, _Plan] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def _plan(self, engine: Engine) -> _Plan:
        found = self._plans.get(engine)
        if found is not None:
            return found
        dialect = engine.dialect
        compiled = self.statement.compile(dialect=dialect)
        names = tuple(compiled.positiontup or ()) if compiled.positional else tuple(compiled.binds)
        defaults, binds = {}, {}
        for name, param in compiled.binds.items():
            if not param.required:
                defaults[name] = param.effective_value
            convert = param.type.dialect_impl(dialect).bind_processor(dialect)
            if convert is not None:
                binds[name] = convert
        columns = list(self.statement.selected_columns)
        results = tuple(
            c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
        )
        row = namedtuple("Row", [c.key for c in columns], rename=True)  # type: ignore[misc]
        plan = _Plan(str(compiled), compiled.positional, names, defaults, binds, results, row)
        with self._lock:
            self._plans[engine] = plan
        return plan

    def all(self, engine: Engine, **params: Any) -> list[Any]:
        """Every row the select finds with these values."""
        plan = self._plan(engine)
        values = {**plan.defaults, **params}
        for name, convert in plan.binds.items():
            values[name] = convert(values[name])
        bound: Sequence[Any] | Mapping[str, Any] = (
            tuple(values[n] for n in plan.names) if plan.positional else values
        )
        dbapi = engine.dialect.loaded_dbapi
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(plan.sql, bound)
                raw = cursor.fetchall()
            finally:
                cursor.close()
        except dbapi.Error as error:
            raise exc.DBAPIError.instance(plan.sql, bound, error, dbapi.Error) from error
        finally:
            connection.close()
        results, make = plan.results, plan.row
        if not any(results):
            return [make(*r) for r in raw]
        return [
            make(*(v if f is None or v is None else f(v) for f, v in zip(results, r, strict=True)))
            for r in raw
        ]

    def first(self, engine: Engine, **params: Any) -> Any | None:
        """The first row the select finds, or None."""
        rows = self.all(engine, **params)
        return rows[0] if rows else None
