"""Downloads and thumbnails through the policy, and the upload view the owner apps route.

A file is found only in ``Attachment.objects.restrict(user)`` (whoever sees the owner):
anyone else gets 404, as if it did not exist. Images are served inline (they were
re-encoded by us); every other file as a download, never sniffed by the browser.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ballast.accounts import policy
from ballast.attachments import services
from ballast.attachments.forms import AttachmentForm
from ballast.attachments.models import Attachment


def _visible(request, pk: int) -> Attachment:
    return get_object_or_404(Attachment.objects.restrict(request.user), pk=pk)


def _serve(field, *, name: str, mime: str, inline: bool):
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在") from exc
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=mime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_safe
def download(request, pk: int):
    attachment = _visible(request, pk)
    return _serve(
        attachment.file, name=attachment.name, mime=attachment.mime, inline=attachment.is_image
    )


@login_required
@require_safe
def thumbnail(request, pk: int):
    attachment = _visible(request, pk)
    if not attachment.thumbnail:
        raise Http404("没有缩略图")
    return _serve(attachment.thumbnail, name="thumb.jpg", mime="image/jpeg", inline=True)


def upload(request, *, owner, back: str, as_of=None):
    """The POST of the attachments include for ``owner``: each file through
    :func:`services.attach`; refusals become messages; then back to ``back``.

    An owner app routes its own URL here (``projects:stage_attach`` …) after finding the
    owner in the person's scope (404 otherwise); the policy's attach action is the 403.
    """
    if not policy.may_attach(request.user, owner):
        raise PermissionDenied(_("您没有为该数据添加附件的权限。"))
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    added, refused = 0, []
    for upload_file in form.cleaned_data["files"]:
        try:
            services.attach(
                user=request.user,
                owner=owner,
                file=upload_file,
                caption=form.cleaned_data["caption"],
                taken_on=form.cleaned_data["taken_on"],
                as_of=as_of,
            )
        except ValidationError as exc:
            refused.append(f"{upload_file.name}：{'；'.join(exc.messages)}")
        else:
            added += 1
    if added:
        messages.success(request, _("已上传 %(count)s 个附件。") % {"count": added})
    for line in refused:
        messages.error(request, line)
    return redirect(back)
