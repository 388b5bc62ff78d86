from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

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
