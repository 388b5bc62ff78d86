"""Database housekeeping shared by commands, and the database functions whose SQL differs
by backend (the one place such differences live)."""

import json
from datetime import date, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import BooleanField, DateField, Expression, F, Func


def refresh_statistics() -> None:
    """Let the query planner see the data after a bulk load: ``ANALYZE`` on SQLite;
    ``VACUUM ANALYZE`` on PostgreSQL, which also marks the fresh pages all-visible so the
    covering indexes answer without reading the table (autovacuum would, later). Without
    statistics SQLite may pick an index that makes the figures' per-project subqueries
    grow with the square of the project count. Outside a transaction on PostgreSQL
    (VACUUM cannot run in one), ``ANALYZE`` alone inside one."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


class MonthStart(Func):
    """The first day of the month of a date expression, as a date.

    Django's ``TruncMonth`` runs as a Python function per row on SQLite (and a time-zone
    aware cast on PostgreSQL); this is the database's own arithmetic on both: SQLite's
    ``date(x, 'start of month')`` and PostgreSQL's ``date_trunc``."""

    arity = 1
    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="date(%(expressions)s, 'start of month')")

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="CAST(date_trunc('month', %(expressions)s) AS date)"
        )


class IdIn(Expression):
    """``field`` is one of ``ids``, with the ids sent as ONE parameter: a PostgreSQL array
    (``= ANY(%s::bigint[])``, sent as text), a JSON list read by SQLite's ``json_each``. For the thousands of ids a
    rule or page may hold: as ``field__in=ids`` each id is a parameter of its own, which
    costs more to build, send and parse than the query itself.

    ``Model.objects.filter(IdIn("project_id", ids))``."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, field: str, ids):
        super().__init__()
        self.target = F(field) if isinstance(field, str) else field
        self.ids = sorted({int(pk) for pk in ids})
        # The ids as sent, made once: a query's copies share this dict, and a city's
        # thousands of ids go into every rule's query.
        self._sent: dict[str, str] = {}

    def get_source_expressions(self):
        return [self.target]

    def set_source_expressions(self, exprs):
        (self.target,) = exprs

    def as_sql(self, compiler, connection, **extra_context):
        field_sql, field_params = compiler.compile(self.target)
        if connection.vendor == "postgresql":
            # An array literal as text: adapting a Python list checks every element.
            literal = self._sent.get("postgresql")
            if literal is None:
                literal = self._sent["postgresql"] = "{" + ",".join(map(str, self.ids)) + "}"
            return f"{field_sql} = ANY(%s::bigint[])", (*field_params, literal)
        if connection.vendor == "sqlite":
            literal = self._sent.get("sqlite")
            if literal is None:
                literal = self._sent["sqlite"] = json.dumps(self.ids)
            return f"{field_sql} IN (SELECT value FROM json_each(%s))", (*field_params, literal)
        placeholders = ", ".join(["%s"] * len(self.ids)) or "NULL"
        return f"{field_sql} IN ({placeholders})", (*field_params, *self.ids)


# --------------------------------------------------------------------------- prepared SQL

# Each query shape's SQL, per (database alias, vendor, shape key): the SQL, where each
# value goes among its parameters, the column names and Django's value converters.
# ``None``: the shape cannot be reused (its SQL changes with the values), build each time.
_PREPARED: dict[tuple, "_Prepared | None"] = {}
_SENTINEL_DAY = date(1001, 1, 1)
_SENTINEL_INT = 987_000_000


class _Prepared:
    __slots__ = ("sql", "slots", "names", "converters", "empty")

    def __init__(self, sql, slots, names, converters, empty=False):
        self.sql, self.slots, self.names = sql, slots, names
        self.converters, self.empty = converters, empty


def _sentinels(values: dict) -> dict:
    """A stand-in for each value that no constant of a query can equal: unique days in the
    year 1001, unique integers near 987,000,000, unique marked strings (lists item by
    item)."""
    out, n = {}, 0

    def stand_in(value):
        nonlocal n
        n += 1
        if isinstance(value, date):
            return _SENTINEL_DAY + timedelta(days=n)
        if isinstance(value, int) and not isinstance(value, bool):
            return _SENTINEL_INT + n
        if isinstance(value, str):
            return f"\x00prepared-{n}\x00"
        raise TypeError(f"prepared_rows: no stand-in for {value!r}")

    for name, value in values.items():
        out[name] = [stand_in(v) for v in value] if isinstance(value, list) else stand_in(value)
    return out


def _flat(values: dict) -> list:
    return [v for value in values.values() for v in (value if isinstance(value, list) else [value])]


def _compile(queryset, using):
    """(sql, params, column names, converters) of a ``values()`` queryset; ``sql`` None
    when the query can match nothing (``EmptyResultSet``)."""
    query = queryset.query
    compiler = query.get_compiler(using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None, (), (), {}
    if query.selected:  # as ValuesIterable names the columns
        names = list(query.selected)
    else:
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
    fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
    return sql, tuple(params), names, compiler.get_converters(fields)


def _prepare(build, values: dict, using) -> "_Prepared | None":
    """Compile ``build``'s queryset once with stand-ins for the values and once with the
    values themselves; the shape is reusable when every parameter of the first is either a
    constant or one stand-in and putting the values in their places gives the second."""
    connection = connections[using]
    stand_ins = _sentinels(values)
    sql, params, names, converters = _compile(build(**stand_ins), using)
    real_sql, real_params, _, _ = _compile(build(**values), using)
    if sql is None or real_sql is None:
        return _Prepared(None, (), (), {}, empty=True) if sql is real_sql is None else None
    places = {}  # a stand-in as sent → (the value's index, whether a date sent as text)
    for i, stand_in in enumerate(_flat(stand_ins)):
        places[stand_in] = (i, False)
        sent = (
            connection.ops.adapt_datefield_value(stand_in) if isinstance(stand_in, date) else None
        )
        if isinstance(sent, str):  # SQLite sends dates as text
            places[sent] = (i, True)
    slots = []
    for param in params:
        hit = places.get(param) if isinstance(param, (date, int, str)) else None
        slots.append((None, param) if hit is None else hit)
    prepared = _Prepared(sql, tuple(slots), names, converters)
    if sql != real_sql or _params(prepared, _flat(values), connection) != real_params:
        return None
    return prepared


def _params(prepared: _Prepared, flat: list, connection) -> tuple:
    adapt = connection.ops.adapt_datefield_value
    # A slot is (None, the constant) or (the value's index, whether it goes as text).
    return tuple(
        second if index is None else (adapt(flat[index]) if second is True else flat[index])
        for index, second in prepared.slots
    )


def prepared_rows(key: tuple, build, values: dict, *, using: str = DEFAULT_DB_ALIAS) -> list:
    """The rows (dicts, as ``values()`` gives them) of the queryset ``build(**values)``,
    with its SQL built by Django only once per query shape and database vendor.

    Building a grouped query with Django costs more than running it when it reads a
    few hundred rows (one unit's figures: about 1.5 ms of Python per query against well
    under 1 ms of SQL). ``key`` names the shape: everything that changes the SQL besides
    ``values`` (list lengths are added here). ``values`` are the dates and integers (or
    lists of them) that change from call to call; ``build`` must use them only as query
    values. The first call compiles the query twice — with stand-ins for the values, to
    find where each goes among the parameters, and with the values, to check that
    putting them there gives Django's own SQL and parameters — and a shape that fails
    the check is simply built by Django every time. Django's converters still turn the
    database's values into Python ones (decimals, dates) exactly as ``values()`` does."""
    connection = connections[using]
    full_key = (
        using,
        connection.vendor,
        key,
        tuple(len(v) if isinstance(v, list) else -1 for v in values.values()),
    )
    try:
        prepared = _PREPARED[full_key]
    except KeyError:
        prepared = _PREPARED[full_key] = _prepare(build, values, using)
    if prepared is None:
        return list(build(**values))
    if prepared.empty:
        return []
    with connection.cursor() as cursor:
        cursor.execute(prepared.sql, _params(prepared, _flat(values), connection))
        rows = cursor.fetchall()
    names, converters = prepared.names, prepared.converters
    if converters:
        converters = list(converters.items())
        rows = [list(row) for row in rows]
        for row in rows:
            for pos, (convs, expression) in converters:
                value = row[pos]
                for converter in convs:
                    value = converter(value, expression, connection)
                row[pos] = value
    return [dict(zip(names, row, strict=False)) for row in rows]  # extra ordering columns dropped
