"""The one mechanism that records who changed what, and why.

Every model derived from :class:`ballast.core.models.BallastModel` keeps a historical
table (django-simple-history). The acting user, the reason and the source of a change
(web, admin, import, command, api) come from a context variable set here, so a page, the
admin, an import and a management command all write the same kind of history row:

    with acting(user, reason="更正: 统计口径调整", source="command"):
        services.report_amend(...)

Inside a web request the middleware sets the user and the source; a service that needs a
reason (amendments, returns, terminations) wraps its write in ``acting(..., reason=...)``.
"""

from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date

from django.db import models
from django.db.models import Max
from django.dispatch import Signal, receiver
from django.utils import timezone
from simple_history.signals import pre_create_historical_record


@dataclass(frozen=True)
class Actor:
    user: object | None = None
    reason: str = ""
    source: str = "system"
    # Where the change comes from, while a request is running (the audit trail's
    # "from where"): the client address, its user agent and the request's id.
    ip: str | None = None
    user_agent: str = ""
    request_id: str = ""
    path: str = ""
    query: str = ""


# Actor is a frozen dataclass, so sharing the default instance is safe.
_actor: contextvars.ContextVar[Actor] = contextvars.ContextVar("ballast_actor", default=Actor())  # noqa: B039


def current_actor() -> Actor:
    return _actor.get()


@contextmanager
def acting(user=None, *, reason: str | None = None, source: str | None = None):
    """Attribute every change made inside the block to ``user`` with ``reason``.

    Nested blocks inherit what they do not override, so a service can add a reason to
    the user and source its caller set.
    """
    previous = _actor.get()
    actor = replace(
        previous,
        user=user if user is not None else previous.user,
        reason=reason if reason is not None else previous.reason,
        source=source if source is not None else previous.source,
    )
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR (a reverse proxy in front must set it, e.g.
    gunicorn's ``--forwarded-allow-ips`` with the proxy's X-Forwarded-For)."""
    return request.META.get("REMOTE_ADDR") or None


def history_user(instance=None, request=None, **kwargs):
    """``get_user`` for HistoricalRecords: the acting user, else the request's user."""
    user = _actor.get().user
    if user is not None and getattr(user, "pk", None):
        return user
    if request is not None and getattr(request.user, "is_authenticated", False):
        return request.user
    return None


@receiver(pre_create_historical_record)
def _stamp_reason_and_source(sender, instance, history_instance, **kwargs):
    actor = _actor.get()
    if not history_instance.history_change_reason and actor.reason:
        history_instance.history_change_reason = actor.reason[:100]
    if hasattr(history_instance, "history_source"):
        history_instance.history_source = actor.source
        history_instance.history_reason_text = actor.reason


class HistoryActorMiddleware:
    """Attributes changes made during a request to its signed-in user, with the client's
    address, user agent and a request id (also sent back as ``X-Request-ID``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        source = "admin" if request.path.startswith("/admin/") else "web"
        if request.path.startswith("/api/"):
            source = "api"
        request.request_id = uuid.uuid4().hex
        previous = _actor.get()
        actor = replace(
            previous,
            user=user if getattr(user, "is_authenticated", False) else previous.user,
            source=source,
            ip=client_address(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
            request_id=request.request_id,
            path=request.path[:300],
            query=request.GET.urlencode()[:2000],
        )
        token = _actor.set(actor)
        try:
            response = self.get_response(request)
        finally:
            _actor.reset(token)
        response.headers.setdefault("X-Request-ID", request.request_id)
        return response


# Sent once per bulk write with the historical rows written (``rows``), the saved
# instances (``instances``) and, for changes, each object's history row before the change
# (``previous``, by object id): what ``post_create_historical_record`` is to one save.
# The audit trail listens (``ballast.audit.receivers``).
bulk_history_created = Signal()


def _previous_rows(history_model, ids) -> dict:
    """Each object's latest historical row, by object id: two queries per 500 objects."""
    previous = {}
    ids = sorted(set(ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        latest = (
            history_model.objects.filter(id__in=chunk)
            .values("id")
            .annotate(last=Max("history_id"))
            .values_list("last", flat=True)
        )
        for row in history_model.objects.filter(history_id__in=list(latest)).select_related(
            "history_user"
        ):
            previous[row.id] = row
    return previous


def builder(model):
    """A maker of unsaved ``model`` instances from a dict of field values (by name or
    attname; a foreign key given as an instance is cached as ``Model(...)`` caches it):
    what ``model(**values)`` makes, fields left out at their defaults, without its
    per-field descriptor work — the bulk writes make tens of thousands of history and
    trail rows. For models without ``pre_init``/``post_init`` receivers."""
    from django.db.models.base import ModelState

    concrete = model._meta.concrete_fields
    defaults = {f.attname: f.get_default() for f in concrete if not f.primary_key}
    defaults[model._meta.pk.attname] = None
    foreign = {f.name: f.attname for f in concrete if f.many_to_one}
    fresh = [f for f in concrete if f.has_default() and callable(f.default)]  # dict, now…

    def make(values: dict):
        obj = model.__new__(model)
        state = obj._state = ModelState()
        data = dict(defaults)
        for field in fresh:
            data[field.attname] = field.get_default()
        for name, value in values.items():
            attname = foreign.get(name)
            if attname is None:
                data[name] = value
            else:
                data[attname] = value.pk if value is not None else None
                state.fields_cache[name] = value
        obj.__dict__.update(data)
        return obj

    return make


def write_history_bulk(instances, *, history_type: str) -> list:
    """The historical rows of ``instances`` just saved in bulk (``+`` created, ``~``
    changed), written with one prepared INSERT (:func:`insert_many`).

    Each row is built exactly as simple-history builds the row of one ``save()``
    (``HistoricalRecords.create_historical_record``): the same fields, the acting user
    from :func:`history_user`, the reason from the instance, then
    ``pre_create_historical_record`` (which stamps reason and source from :func:`acting`),
    the current many-to-many rows (linked leaders) — and then, instead of one
    ``post_create_historical_record`` per row, one :data:`bulk_history_created` for all,
    so the audit trail appends them under one lock.
    """
    from simple_history.signals import pre_create_historical_record
    from simple_history.utils import get_change_reason_from_object

    instances = list(instances)
    if not instances:
        return []
    model = type(instances[0])
    history_model = model.history.model
    previous = (
        _previous_rows(history_model, [obj.pk for obj in instances]) if history_type == "~" else {}
    )
    names = [field.attname for field in history_model.tracked_fields]
    make = builder(history_model)
    rows = []
    now = timezone.now()  # one time for the batch, as bulk_create_with_history
    for instance in instances:
        history_date = getattr(instance, "_history_date", now)
        user = getattr(instance, "_history_user", None) or history_user(instance=instance)
        reason = get_change_reason_from_object(instance)
        values = {name: getattr(instance, name) for name in names}
        values.update(
            history_date=history_date,
            history_type=history_type,
            history_user=user,
            history_change_reason=reason,
        )
        row = make(values)
        pre_create_historical_record.send(
            sender=history_model,
            instance=instance,
            history_date=history_date,
            history_user=user,
            history_change_reason=reason,
            history_instance=row,
            using=None,
        )
        rows.append(row)
    links = _m2m_links(model, history_model, instances)
    if any(links.values()):
        history_model.objects.bulk_create(rows, batch_size=500)  # their ids are needed
        _write_m2m_history(history_model, rows, instances, links)
    else:
        insert_many(history_model, rows)
    bulk_history_created.send(
        sender=history_model, rows=rows, instances=instances, previous=previous
    )
    return rows


def _m2m_links(model, history_model, instances) -> dict:
    """The current many-to-many rows (the linked leaders of a project) of ``instances``,
    by field, read for all of them at once: simple-history copies them with each
    historical row."""
    from simple_history.utils import get_m2m_field_name

    links = {}
    pks = sorted(obj.pk for obj in instances)
    for field in getattr(history_model, "_history_m2m_fields", None) or []:
        through = getattr(model, field.name).through
        fk_names = [f.name for f in through._meta.fields if isinstance(f, models.ForeignKey)]
        own = get_m2m_field_name(field)
        found = []
        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            found.extend(through.objects.filter(**{f"{own}__in": chunk}).select_related(*fk_names))
        links[field] = found
    return links


def _write_m2m_history(history_model, rows, instances, links) -> None:
    from simple_history.models import HistoricalRecords
    from simple_history.utils import get_m2m_field_name

    by_instance = {obj.pk: row for obj, row in zip(instances, rows, strict=True)}
    for field, found in links.items():
        m2m_history_model = HistoricalRecords.m2m_models[field]
        names = [f.name for f in found[0]._meta.fields] if found else []
        own = get_m2m_field_name(field)
        insert = []
        for link in found:
            values = {"history": by_instance[getattr(link, f"{own}_id")]}
            values.update({name: getattr(link, name) for name in names})
            insert.append(m2m_history_model(**values))
        m2m_history_model.objects.bulk_create(insert, batch_size=500)


_TEXT = {"CharField", "TextField"}
_WHOLE = {"IntegerField", "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField"}


def _preparer(fields, connection):
    """A function turning an object into the values of ``fields`` as an INSERT sends
    them: each field's ``pre_save`` and ``get_db_prep_save``, as ``bulk_create`` does.
    Text and whole numbers go as they are (Django's preparation of a str or an int is
    itself), and a value that is the very object the row before had in that column (one
    "now" shared by a batch) reuses its preparation."""
    plain = {
        f.attname: (str if f.get_internal_type() in _TEXT else int)
        for f in fields
        if f.get_internal_type() in _TEXT | _WHOLE and not f.choices or f.many_to_one
    }
    columns = [
        (
            field,
            field.attname,
            plain.get(field.attname),
            getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False),
        )
        for field in fields
    ]
    last = [(object(), None)] * len(columns)
    # One time for the whole batch in the auto_now(_add) columns (what ``pre_save``
    # stamps, taken once): the rows' history and trail then prepare it once too.
    now = timezone.now()
    stamps = {
        field.attname: (now if isinstance(field, models.DateTimeField) else date.today())
        for field, _name, _kind, stamped in columns
        if stamped
    }

    def prepared(obj):
        values = []
        for position, (field, name, kind, stamped) in enumerate(columns):
            if stamped:
                value = stamps[name]
                setattr(obj, name, value)
            else:
                value = getattr(obj, name)
            if (value is None and not stamped) or (kind is not None and type(value) is kind):
                values.append(value)
                continue
            seen, done = last[position]
            if value is not seen:
                done = field.get_db_prep_save(value, connection)
                last[position] = (value, done)
            values.append(done)
        return values

    return prepared


def insert_many(model, objects, *, batch_size: int = 2000) -> None:
    """INSERT ``objects`` (new rows whose ids nobody needs back: history rows, trail
    records) with one prepared statement executed for all of them.

    What ``bulk_create`` writes — each field's ``pre_save`` and ``get_db_prep_save``
    value — without compiling a new statement per 30-odd rows, which costs far more than
    the database's own work on a 10,000-row import."""
    from django.db import connections, router

    objects = list(objects)
    if not objects:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and getattr(objects[0], f.attname) is None)
    ]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    prepared = _preparer(fields, connection)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            cursor.executemany(sql, [prepared(o) for o in objects[start : start + batch_size]])
    for obj in objects:
        obj._state.adding = False
        obj._state.db = using


def insert_returning(model, objects) -> None:
    """``model.objects.bulk_create(objects)`` for new rows whose ids are wanted (projects,
    stage events, plans of an import): multi-row INSERTs with RETURNING of the ids, as
    Django's own ``bulk_create`` on SQLite ≥ 3.35 and PostgreSQL, with the values
    prepared by :func:`_preparer` instead of a statement compiled field by field.
    Sends no signals (neither does ``bulk_create``)."""
    from django.db import connections, router

    objects = list(objects)
    if not objects:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover
        model._base_manager.using(using).bulk_create(objects)
        return
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk]
    for obj in objects:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608 - names from the model
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, connection.ops.bulk_batch_size(fields, objects))
    prepared = _preparer(fields, connection)
    statements: dict[int, str] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(objects), size):
            batch = objects[start : start + size]
            sql = statements.get(len(batch))
            if sql is None:
                sql = statements[len(batch)] = (
                    head + ", ".join([row] * len(batch)) + f" RETURNING {quote(pk.column)}"
                )
            cursor.execute(sql, [value for obj in batch for value in prepared(obj)])
            for obj, (value,) in zip(batch, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, value)
                obj._state.adding = False
                obj._state.db = using
