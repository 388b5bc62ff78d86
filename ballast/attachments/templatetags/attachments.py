"""``{% attachments_panel owner upload_url %}``: the files of one owner (thumbnails for
photos, links for documents) and, for whoever may attach, the upload form posting to
``upload_url`` (the owner app's attach URL). Leave ``upload_url`` out for a read-only
list."""

from django import template

from ballast.accounts import policy
from ballast.attachments.forms import AttachmentForm
from ballast.attachments.selectors import attachments_of

register = template.Library()


@register.inclusion_tag("attachments/_panel.html", takes_context=True)
def attachments_panel(context, owner, upload_url="", compact=False):
    user = context["request"].user
    # A page listing many owners (a project's stage events) reads them for all at once
    # (``prepare_panels``); otherwise one owner's files and right are read here.
    known = getattr(owner, "_attachments_panel", None)
    may = (
        bool(upload_url)
        and getattr(owner, "accepts_attachments", True) is not False
        and (known[1] if known is not None else policy.may_attach(user, owner))
    )
    return {
        "attachments": known[0]
        if known is not None
        else list(attachments_of(user=user, owner=owner)),
        "upload_url": upload_url if may else "",
        "form": AttachmentForm() if may else None,
        "csrf_token": context.get("csrf_token"),
        "compact": compact,
        "owner_key": f"{owner._meta.model_name}-{owner.pk}",
    }
