from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from ballast.accounts import policy
from ballast.attachments.models import Attachment


def attachments_of(*, user, owner):
    """The files of ``owner`` that ``user`` may see, oldest first."""
    if owner is None or owner.pk is None:
        return Attachment.objects.none()
    return (
        Attachment.objects.restrict(user)
        .filter(owner_type=ContentType.objects.get_for_model(type(owner)), owner_id=owner.pk)
        .select_related("uploaded_by")
        .order_by("created_at", "id")
    )


def attachments_by_owner(*, user, owners) -> dict:
    """The files ``user`` may see of each of ``owners`` (saved objects of one model), by
    owner pk, oldest first: :func:`attachments_of` for many in one query."""
    owners = [o for o in owners if o.pk is not None]
    found: dict = {o.pk: [] for o in owners}
    if not owners:
        return found
    files = (
        Attachment.objects.restrict(user)
        .filter(
            owner_type=ContentType.objects.get_for_model(type(owners[0])),
            owner_id__in=list(found),
        )
        .select_related("uploaded_by")
        .order_by("created_at", "id")
    )
    for attachment in files:
        found[attachment.owner_id].append(attachment)
    return found


def prepare_panels(user, owners) -> None:
    """Read the files and the right to attach of every one of ``owners`` (objects of one
    model a page draws a panel for each) in two queries, for :func:`attachments_panel`."""
    owners = list(owners)
    files = attachments_by_owner(user=user, owners=owners)
    may = policy.attachable(user, owners)
    for owner in owners:
        owner._attachments_panel = (files.get(owner.pk, []), owner.pk in may)
