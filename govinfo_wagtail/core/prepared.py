"""Queries compiled to SQL once, as a prepared statement, for the lookups and lists that every
public request makes.

Django compiles a queryset to SQL each time it is evaluated. For the public pages' queries
(the release and view-restriction rules are subqueries, the rows join their agency) that took
about 1 ms per query on the development machine, as long as a plain Wagtail page's routing
queries take to compile and run together. A :class:`PreparedQuery` compiles its query once per
database alias, with placeholders where a request's values go (a page's id, a tree path), and
runs the same SQL with the request's values as its parameters.

What keeps it exact:

- Only integers (0 to 2**31 - 1) and strings go into placeholders.
- The query is compiled three times, with three sets of placeholders: the SQL text must be the
  same, and the parameters must differ exactly where a placeholder went in, as it was given
  (or, for a string, inside a parameter, as in a ``LIKE`` pattern or a range). A parameter
  derived from a value (``pk + 1``, a slice's bound) or a value that the SQL text holds makes
  the query compile as usual at every call, and so does a query that cannot be built or
  compiled with the placeholders.
- A string goes in as it is only where the third compile shows that a string with ``%``,
  ``_`` and a backslash reaches the parameter unchanged; elsewhere (a ``LIKE`` pattern, an
  ``iexact``) only a string of letters and digits, which no lookup escapes, and any other
  string compiles as usual.
- It returns a list of rows, never a queryset: nothing can be chained onto the prepared query,
  so a further filter or a count always compiles its own SQL.

``build`` must give the same query for every value: it must not branch on a value (the
placeholders are all true and non-zero) nor read anything that changes (the clock, settings
of a request). Like a queryset a Django view keeps, its rows are read at each call.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet, FieldError, FullResultSet, ValidationError
from django.db import connections
from django.db.models import QuerySet

# Three sets of placeholders, far apart (Django drops a comparison with a value out of a
# field's range, a negative depth say, so they stay within 32 bits), and strings that are not
# Wagtail tree paths (digits and capitals). They are only compiled, never run.
_INT_PLACEHOLDERS = (2_100_000_000, 2_050_000_000, 2_000_000_000)
_INT_STEP = 7919
_STR_PLACEHOLDERS = ("govinfoslot{}x", "govinfoprobe{}y", "govinfoslot{}x%_\\")
_PLAIN_TEXT = re.compile(r"[0-9A-Za-z]+\Z")  # what no lookup escapes


def _placeholders(slots: dict[str, type], which: int) -> dict[str, int | str]:
    return {name: (_INT_PLACEHOLDERS[which] + _INT_STEP * number if kind is int
                   else _STR_PLACEHOLDERS[which].format(number))
            for number, (name, kind) in enumerate(slots.items())}


class PreparedQuery:
    """``build(**values)`` -> a queryset, compiled once per database with placeholders for its
    values (each ``int`` or ``str`` as given in ``slots``) and run with the values of each
    call: ``PreparedQuery(lambda pk: Page.objects.filter(pk=pk), pk=int).rows(pk=3)``."""

    def __init__(self, build: Callable[..., QuerySet], **slots: type):
        if any(kind not in (int, str) for kind in slots.values()):
            raise TypeError("A prepared query's values are integers or strings.")
        self.build = build
        self.slots = slots
        self.placeholders = _placeholders(slots, 0)
        self._template: QuerySet | None | bool = None  # False: not to be built so
        self._compiled: dict[str, _Compiled | None] = {}
        self._lock = threading.Lock()

    def rows(self, **values: Any) -> list:
        if values.keys() != self.slots.keys() or not all(
                _fits(values[name], kind) for name, kind in self.slots.items()):
            return list(self.build(**values))
        template = self._template
        if template is None:
            try:
                template = self.build(**self.placeholders)
            except (ValueError, TypeError, ValidationError, FieldError):
                template = False  # a slice of a negative count, a string for a date
            self._template = template
        if template is False:
            return list(self.build(**values))
        queryset = template.all()
        compiled = self._compiled_for(queryset.db, template)
        params = compiled.params_for(values) if compiled is not None else None
        if params is None:
            return list(self.build(**values))

        def as_usual(using=None, connection=None, elide_empty=True):
            return self.build(**values).query.get_compiler(using, connection, elide_empty)

        # The copy's query is never handed out: it answers this one evaluation.
        queryset.query.get_compiler = lambda using=None, connection=None, elide_empty=True: (
            compiled.compiler(using, params, as_usual)
            if using == compiled.using and connection is None and elide_empty
            else as_usual(using, connection, elide_empty))
        return list(queryset)

    def _compiled_for(self, using: str, template: QuerySet) -> _Compiled | None:
        try:
            return self._compiled[using]
        except KeyError:
            pass
        with self._lock:
            if using not in self._compiled:
                self._compiled[using] = _Compiled.prepare(using, template, [
                    self._build_or_none(_placeholders(self.slots, which)) for which in (1, 2)],
                    [_placeholders(self.slots, which) for which in (0, 1, 2)])
            return self._compiled[using]

    def _build_or_none(self, placeholders: dict) -> QuerySet | None:
        try:
            return self.build(**placeholders)
        except (ValueError, TypeError, ValidationError, FieldError):
            return None


def _fits(value: Any, kind: type) -> bool:
    if kind is int:
        # Not negative: Django leaves ``field >= -1`` on a positive field out of the SQL.
        return type(value) is int and 0 <= value < 2**31
    return type(value) is str


class _Compiled:
    """A compiler after its work (its columns and joins read by the row iterator) and its
    SQL, with where in its parameters each placeholder's value goes."""

    def __init__(self, using, compiler, sql, params, slots):
        self.using, self._compiler, self.sql, self._params, self._slots = (
            using, compiler, sql, params, slots)

    @classmethod
    def prepare(cls, using: str, template: QuerySet, others: list[QuerySet | None],
                placeholders: list[dict]) -> _Compiled | None:
        """The compiled query, or None when the three compiles do not show where each value
        goes (see the module's docstring)."""
        if any(other is None for other in others):
            return None
        compiled = []
        for queryset in (template, *others):
            # A copy: the template itself is shared by the threads that copy it.
            compiler = queryset.query.chain().get_compiler(using=using)
            try:
                sql, params = compiler.as_sql()
            except (EmptyResultSet, FullResultSet):
                return None
            compiled.append((compiler, sql, tuple(params)))
        (compiler, sql, params), (_c, sql_b, params_b), (_c, sql_c, params_c) = compiled
        if not (sql == sql_b == sql_c and len(params) == len(params_b) == len(params_c)):
            return None
        first, second, third = placeholders
        if any(str(p) in sql for p in first.values()):
            return None
        slots = []  # (position, name, None where any string goes in, else the text replaced)
        for position, (a, b, c) in enumerate(zip(params, params_b, params_c, strict=True)):
            if a == b:
                continue  # the same in every compile: not a value
            slot = _slot_at(a, b, c, first, second, third)
            if slot is None:
                return None  # a parameter derived from a value
            slots.append((position, *slot))
        if {name for _position, name, _text in slots} != set(first):
            return None  # a value that is not a parameter
        return cls(using, compiler, sql, params, slots)

    def params_for(self, values: dict) -> tuple | None:
        """The parameters with the values in; None where a string would need escaping."""
        params = list(self._params)
        for position, name, text in self._slots:
            if text is None:
                params[position] = values[name]
            elif _PLAIN_TEXT.match(values[name]):
                params[position] = params[position].replace(text, values[name])
            else:
                return None
        return tuple(params)

    def compiler(self, using: str, params: tuple, as_usual: Callable):
        compiler = copy.copy(self._compiler)
        compiler.connection = connections[using]  # this thread's connection
        sql = self.sql

        def as_sql(*args, **kwargs):
            # Asked in another form (as a subquery, without its limits): compiled as usual.
            if args or kwargs:
                return as_usual(using).as_sql(*args, **kwargs)
            return sql, params

        compiler.as_sql = as_sql
        return compiler


def _slot_at(a, b, c, first: dict, second: dict, third: dict):
    """Which placeholder a parameter holds in the three compiles (``a``, ``b``, ``c``), as
    ``(name, None)`` where the value goes in as it is, ``(name, text)`` where only a plain
    string may replace ``text`` in it; None if it is none of them."""
    for name, placeholder in first.items():
        if a == placeholder and b == second[name]:
            if isinstance(placeholder, str) and c != third[name]:
                return name, placeholder  # the string was escaped: plain strings only
            return name, None
        if (isinstance(placeholder, str) and isinstance(a, str) and isinstance(b, str)
                and placeholder in a and a.replace(placeholder, second[name]) == b):
            return name, placeholder
    return None
