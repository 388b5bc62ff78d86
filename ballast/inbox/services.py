"""Notifications: made once per event and person, sent once per channel.

* :func:`notify` — the one way any app tells people something. The event's
  ``dedupe_key`` plus the person is UNIQUE, so making one that exists is a no-op, and two
  machines scanning the same events make one row. The person's choice for the kind
  (:class:`~ballast.inbox.models.Preference`) decides, when it is made, whether it is
  e-mailed or sent by the messenger too.
* :func:`deliver` — e-mails and messenger sends. A sender claims a notification with
  ``filter(id=…, emailed_at=None).update(emailed_at=now)`` and sends only when that
  changed a row; a failed send releases the claim for the next run.
* :func:`weekly_digest` — one digest a week per person with unread notifications.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from ballast.accounts.models import User
from ballast.inbox.choices import DEFAULT_DELIVERY, Delivery, Kind
from ballast.inbox.messengers import get_messenger
from ballast.inbox.models import Notification, Preference

log = logging.getLogger(__name__)

BATCH = 500
DIGEST_WEEKDAY = 0  # Monday (local time)

# Lines an app adds to a person's weekly digest: fn(user) -> list[str] (registered from
# the app's AppConfig.ready(), e.g. coordination's "your open issues").
DIGEST_EXTRAS: list[Callable] = []


def register_digest_extra(fn: Callable) -> None:
    if fn not in DIGEST_EXTRAS:
        DIGEST_EXTRAS.append(fn)


def deliveries_for(user, kinds: Iterable[str] | None = None) -> dict[str, str]:
    """The person's delivery per kind (their choice, else the default)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {k: chosen.get(k, DEFAULT_DELIVERY) for k in (kinds or Kind.values)}


def notify(
    *,
    recipients: Iterable,
    kind: str,
    subject: str,
    body: str = "",
    link: str = "",
    dedupe_key: str,
    event: str = "",
    ref: str = "",
) -> list[Notification]:
    """Tell each of ``recipients`` (users; inactive ones and repeats skipped) about one
    event, at most once per person: ``dedupe_key`` names the event (``issue:12:assigned``),
    the person is added to it. Returns the notifications made now (none for a repeat).

    Safe inside the caller's transaction: each insert is its own savepoint, so losing a
    race to another machine is absorbed.
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind: {kind!r}")
    made, seen = [], set()
    for person in recipients:
        if person is None or person.pk in seen or not person.is_active:
            continue
        seen.add(person.pk)
        key = f"{dedupe_key}:u{person.pk}"[:160]
        if Notification.objects.filter(dedupe_key=key).exists():
            continue
        delivery = deliveries_for(person, [kind])[kind]
        try:
            with transaction.atomic():
                made.append(
                    Notification.objects.create(
                        recipient=person,
                        kind=kind,
                        event=event[:32],
                        subject=subject[:200],
                        body=body,
                        link=link[:200],
                        object_ref=ref[:64],
                        dedupe_key=key,
                        email_wanted=delivery == Delivery.EMAIL,
                        messenger_wanted=delivery == Delivery.MESSENGER,
                    )
                )
        except IntegrityError:
            continue  # another worker made it first
    return made


@transaction.atomic
def mark_read(*, user, now: datetime, notification: Notification | None = None) -> int:
    """Mark one of the user's own notifications read (or, without one, all of them);
    the number marked. Another person's notification is not found (policy: own rows)."""
    mine = Notification.objects.restrict(user, "change").filter(read_at__isnull=True)
    if notification is not None:
        mine = mine.filter(pk=notification.pk)
    count = mine.update(read_at=now)
    if notification is not None and count:
        notification.read_at = now
    return count


@transaction.atomic
def preferences_set(*, user, choices: dict[str, str]) -> None:
    """Save the person's delivery per kind (only their own: the rows carry their id)."""
    for kind, delivery in choices.items():
        if kind not in Kind.values or delivery not in Delivery.values:
            raise ValidationError("通知类型或送达方式不正确。")
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})


def unread_count(user) -> int:
    """How many of the person's notifications are unread (the header's badge)."""
    return Notification.objects.restrict(user).filter(read_at__isnull=True).count()


# --- sending ------------------------------------------------------------------------------


def _claimed(notification_id: int, field: str, now: datetime) -> bool:
    return bool(
        Notification.objects.filter(**{"id": notification_id, f"{field}__isnull": True}).update(
            **{field: now}
        )
    )


def _release(notification_id: int, field: str, now: datetime) -> None:
    Notification.objects.filter(**{"id": notification_id, field: now}).update(**{field: None})


def deliver_email(*, now: datetime, candidates: list[int] | None = None) -> int:
    """E-mail the notifications that want it and are not yet e-mailed; each is claimed
    atomically first. ``candidates`` lets a test hand in a stale list, as a second machine
    would hold."""
    if candidates is None:
        candidates = list(
            Notification.objects.filter(email_wanted=True, emailed_at__isnull=True)
            .exclude(recipient__email="")
            .order_by("id")
            .values_list("id", flat=True)[:BATCH]
        )
    sent = 0
    for notification_id in candidates:
        if not _claimed(notification_id, "emailed_at", now):
            continue  # another machine has it
        notification = Notification.objects.select_related("recipient").get(pk=notification_id)
        body = notification.body
        if notification.safe_link:
            body += f"\n\n{settings.BALLAST_SITE_URL.rstrip('/')}{notification.safe_link}"
        try:
            send_mail(notification.subject, body, None, [notification.recipient.email])
        except Exception:  # the mail server failed: release the claim for the next run
            log.exception("notification %s: e-mail failed", notification_id)
            _release(notification_id, "emailed_at", now)
            continue
        sent += 1
    return sent


def deliver_messages(*, now: datetime, candidates: list[int] | None = None) -> int:
    """Send the notifications that want the messenger through the configured one
    (``BALLAST_MESSENGER``); none configured: they stay in the inbox only."""
    messenger = get_messenger()
    if messenger is None:
        return 0
    if candidates is None:
        candidates = list(
            Notification.objects.filter(messenger_wanted=True, messaged_at__isnull=True)
            .order_by("id")
            .values_list("id", flat=True)[:BATCH]
        )
    sent = 0
    for notification_id in candidates:
        if not _claimed(notification_id, "messaged_at", now):
            continue
        notification = Notification.objects.select_related("recipient").get(pk=notification_id)
        try:
            messenger.send(notification)
        except Exception:  # the gateway failed: release the claim for the next run
            log.exception("notification %s: messenger failed", notification_id)
            _release(notification_id, "messaged_at", now)
            continue
        sent += 1
    return sent


def deliver(*, now: datetime) -> dict[str, int]:
    """One pass of sending: e-mails, then messenger sends."""
    return {"emailed": deliver_email(now=now), "messaged": deliver_messages(now=now)}


def weekly_digest(*, now: datetime) -> int:
    """One digest a week per person with unread notifications of the last seven days.

    Written on the first run on or after Monday's ``NOTICE_DIGEST_HOUR`` (local time) of
    each ISO week; its key is the week, so later runs that week make none.
    """
    local = timezone.localtime(now) if timezone.is_aware(now) else now
    hour = getattr(settings, "NOTICE_DIGEST_HOUR", 8)
    if local.weekday() == DIGEST_WEEKDAY and local.hour < hour:
        return 0
    year, week, __ = local.isocalendar()
    since = now - timedelta(days=7)
    unread = Notification.objects.filter(
        read_at__isnull=True, created_at__gt=since, created_at__lte=now
    ).exclude(kind=Kind.DIGEST)
    count = 0
    for person in User.objects.filter(pk__in=unread.values("recipient_id"), is_active=True):
        subjects = list(
            unread.filter(recipient=person).order_by("created_at").values_list("subject", flat=True)
        )
        lines = [f"· {s}" for s in subjects]
        for extra in DIGEST_EXTRAS:
            lines.extend(extra(person))
        made = notify(
            recipients=[person],
            kind=Kind.DIGEST,
            subject=f"【每周摘要】{year}年第{week}周：{len(subjects)} 条未读通知",
            body="\n".join(lines),
            link="/inbox/",
            dedupe_key=f"digest:{year}-W{week:02d}",
        )
        count += len(made)
    return count
