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
    may = (
        bool(upload_url)
        and getattr(owner, "accepts_attachments", True) is not False
        and policy.may_attach(user, owner)
    )
    return {
        "attachments": list(attachments_of(user=user, owner=owner)),
        "upload_url": upload_url if may else "",
        "form": AttachmentForm() if may else None,
        "csrf_token": context.get("csrf_token"),
        "compact": compact,
        "owner_key": f"{owner._meta.model_name}-{owner.pk}",
    }
