"""Adding a file to an owner row: :func:`attach` — the one write every door calls.

The content decides the type (``sniffing``), never the name; the size is limited by
``BALLAST_ATTACHMENT_MAX_MB``; a photo is decoded by Pillow and encoded anew (JPEG, or PNG
when it has transparency), turned upright, scaled to at most
``BALLAST_ATTACHMENT_MAX_SIDE`` pixels, and written without its EXIF — camera, time and
GPS — unless the owner's city keeps location data (``AttachmentSettings``); its date
(拍摄日期) is read from the EXIF before. A thumbnail is made for the pages.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from ballast.accounts import policy
from ballast.attachments.models import Attachment, AttachmentSettings
from ballast.attachments.sniffing import sniff
from ballast.core.clock import today
from ballast.core.history import acting

THUMBNAIL_SIDE = 320
_EXIF_IFD, _GPS_IFD, _ORIENTATION = 0x8769, 0x8825, 0x0112
_DATE_TAKEN, _DATE_TIME = 36867, 306


def max_bytes() -> int:
    return settings.BALLAST_ATTACHMENT_MAX_MB * 1024 * 1024


@dataclass
class _Prepared:
    data: bytes
    kind: str
    mime: str
    ext: str
    taken_on: date | None = None
    thumbnail: bytes | None = None


def _read(file) -> bytes:
    """The upload's bytes, refusing more than the limit (reading one byte past it only)."""
    limit = max_bytes()
    if getattr(file, "size", None) is not None and file.size > limit:
        raise _too_big()
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_big()
    if not data:
        raise ValidationError({"file": "文件是空的。"})
    return data


def _too_big() -> ValidationError:
    return ValidationError(
        {"file": f"文件超过 {settings.BALLAST_ATTACHMENT_MAX_MB} MB 的上限，请压缩后再上传。"}
    )


def _exif_date(exif) -> date | None:
    text = exif.get_ifd(_EXIF_IFD).get(_DATE_TAKEN) or exif.get(_DATE_TIME)
    if not isinstance(text, str):
        return None
    try:
        return datetime.strptime(text.strip()[:19], "%Y:%m:%d %H:%M:%S").date()
    except ValueError:
        return None


def _prepare_image(data: bytes, *, keep_location: bool) -> _Prepared:
    Image.MAX_IMAGE_PIXELS = settings.BALLAST_ATTACHMENT_MAX_PIXELS
    refused = ValidationError({"file": "照片无法读取（文件损坏或不是真正的图片）。"})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except Image.DecompressionBombError as exc:
        raise ValidationError({"file": "照片像素过多，请缩小后再上传。"}) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise refused from exc
    if image.format not in ("JPEG", "PNG", "WEBP"):
        raise refused
    exif = image.getexif()
    taken = _exif_date(exif)
    upright = ImageOps.exif_transpose(image)
    side = settings.BALLAST_ATTACHMENT_MAX_SIDE
    if max(upright.size) > side:
        upright.thumbnail((side, side))
    out = io.BytesIO()
    kept = b""
    if keep_location:
        exif.get_ifd(_GPS_IFD)  # load the GPS block so that it is written back
        exif.get_ifd(_EXIF_IFD)
        exif.pop(_ORIENTATION, None)  # the pixels are upright now
        kept = exif.tobytes()
    has_alpha = upright.mode in ("RGBA", "LA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    if has_alpha:
        upright.save(out, "PNG", optimize=True, exif=kept)
        mime, ext = "image/png", "png"
    else:
        upright.convert("RGB").save(out, "JPEG", quality=85, optimize=True, exif=kept)
        mime, ext = "image/jpeg", "jpg"
    thumb = upright.convert("RGB")
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, "JPEG", quality=80)
    return _Prepared(out.getvalue(), "image", mime, ext, taken, thumb_out.getvalue())


def _prepare(data: bytes, *, keep_location: bool) -> _Prepared:
    found = sniff(data)
    if found is None:
        raise ValidationError(
            {"file": "不支持的文件类型：只接受照片（JPEG、PNG、WebP）、PDF 和 Office 文档"
             "（Word、Excel、PowerPoint）。"}
        )  # fmt: skip
    if found.kind == "image":
        return _prepare_image(data, keep_location=keep_location)
    return _Prepared(data, found.kind, found.mime, found.ext)


def _clean_name(name: str, ext: str) -> str:
    """The shown name: the uploaded file's base name, its extension the real type's."""
    base = os.path.splitext(os.path.basename(name or ""))[0].strip()[:150] or "附件"
    base = "".join(c for c in base if c.isprintable() and c not in '\\/:*?"<>|')
    return f"{base or '附件'}.{ext}"


def _check_open(owner) -> None:
    """An owner may close itself to new files (``accepts_attachments`` False: a report
    no longer a draft, a closed issue)."""
    if getattr(owner, "accepts_attachments", True) is False:
        raise ValidationError({"file": "该记录已报送或已办结，不能再添加附件。"})


def _owner_project(owner):
    """The project an owner's files are filed under (the project's history and lists).
    An owner whose files the project's own people must not see says so with
    ``attachment_project`` (a site check: not announced to the unit checked)."""
    if hasattr(owner, "attachment_project"):
        return owner.attachment_project
    return getattr(owner, "project", None)


def _owner_city(owner):
    project = getattr(owner, "project", None)
    unit = getattr(project, "unit", None)
    return getattr(unit, "city", None) if unit is not None else None


def attach(
    *,
    user,
    owner,
    file,
    caption: str = "",
    taken_on: date | None = None,
    as_of: date | None = None,
) -> Attachment:
    """Attach ``file`` (an uploaded file) to ``owner`` (a row of a model listed in
    ``policy.ATTACHMENT_OWNERS``) as ``user``, who must hold the owner's attach action.

    The photo's date is its EXIF date, else ``taken_on``, else ``as_of`` (today).
    Raises ValidationError (Chinese, on ``file``) for a refused file and
    PermissionDenied when the user may not attach to the owner.
    """
    policy.check_attach(user, owner)
    _check_open(owner)
    data = _read(file)
    prepared = _prepare(data, keep_location=AttachmentSettings.keeps_location(_owner_city(owner)))
    stamp = (as_of or today()).strftime("%Y/%m")
    stored = default_storage.save(
        f"attachments/{stamp}/{uuid.uuid4().hex}.{prepared.ext}", ContentFile(prepared.data)
    )
    thumb = ""
    if prepared.thumbnail:
        thumb = default_storage.save(
            f"attachments/thumbs/{stamp}/{uuid.uuid4().hex}.jpg", ContentFile(prepared.thumbnail)
        )
    try:
        with transaction.atomic(), acting(user):
            policy.check_attach(user, owner)  # again, inside the write's transaction
            _check_open(type(owner)._base_manager.select_for_update().get(pk=owner.pk))
            attachment = Attachment(
                owner_type=ContentType.objects.get_for_model(type(owner)),
                owner_id=owner.pk,
                project=_owner_project(owner),
                file=stored,
                thumbnail=thumb,
                name=_clean_name(getattr(file, "name", ""), prepared.ext),
                kind=prepared.kind,
                mime=prepared.mime,
                size=len(prepared.data),
                sha256=hashlib.sha256(prepared.data).hexdigest(),
                caption=caption[:200],
                taken_on=prepared.taken_on or taken_on or as_of or today(),
                uploaded_by=user,
            )
            attachment.full_clean()
            attachment.save()
    except BaseException:
        # nothing recorded: take the stored files away again
        default_storage.delete(stored)
        if thumb:
            default_storage.delete(thumb)
        raise
    return attachment


def attach_all(*, user, owner, files, field: str = "files", as_of: date | None = None) -> list:
    """Attach each of ``files`` to ``owner`` inside the caller's transaction (a form that
    saves a record and its files together): a refused file raises ValidationError on
    ``field`` naming the file, so the caller's transaction keeps nothing of the form; the
    files of this call already stored are removed again."""
    added: list[Attachment] = []
    try:
        for upload in files:
            try:
                added.append(attach(user=user, owner=owner, file=upload, as_of=as_of))
            except ValidationError as exc:
                raise ValidationError({field: f"{upload.name}：{'；'.join(exc.messages)}"}) from exc
            except PermissionDenied as exc:
                raise ValidationError({field: str(exc)}) from exc
    except ValidationError:
        # the caller's transaction drops the rows: take the files stored before away too
        for attachment in added:
            default_storage.delete(attachment.file.name)
            if attachment.thumbnail:
                default_storage.delete(attachment.thumbnail.name)
        raise
    return added
