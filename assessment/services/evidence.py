"""Evidence files: checked from their content, stored under a random name, kept once.

The type of an upload is decided from its bytes, never from its name: magic bytes through
the `filetype` library, and for Office files the zip's [Content_Types].xml. Zip bombs are
refused before anything is stored (total uncompressed size and compression ratio capped).
"""

import hashlib
import re
import unicodedata
import uuid
import zipfile

import filetype
from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from units.errors import ensure

from ..models import Evidence, Period
from ..selectors import submissions as submission_selectors

# content type -> stored extension
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
}
# Types a browser may show in a tab (preview); everything else downloads.
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp"}
ACCEPT_ATTR = ".pdf,.jpg,.jpeg,.png,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx"

# The main part of an Office Open XML package names the document kind.
OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}
# Legacy Office files are OLE2 compound documents; the container does not name the kind
# cheaply, so the (already safe) extension picks among the three.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE2_BY_EXTENSION = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_MAX_MEMBERS = 5000

NAME_MAX = 200
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


class EvidenceRejected(ValueError):
    """The upload is not acceptable; the message says why and what to do."""


def safe_name(name: str) -> str:
    """The name shown and offered on download: no path, no control or reserved characters,
    Chinese kept, at most 200 characters with the extension preserved."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    if not name:
        name = _("附件")
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: NAME_MAX - len(ext) - 1] + "." + ext
        else:
            name = name[:NAME_MAX]
    return name


# Extensions that may stand for each stored type besides the one it is stored under.
EXTENSION_ALIASES = {"jpg": {"jpg", "jpeg"}}


def name_for_type(name: str, content_type: str) -> str:
    """The name with an extension that matches the checked type: an HTML page behind a
    ``%PDF-`` header is a PDF to us, so it is offered as ``….pdf``, never as ``….html``."""
    ext = ALLOWED_TYPES.get(content_type)
    if ext is None or _extension(name) in EXTENSION_ALIASES.get(ext, {ext}):
        return name
    stem, dot, _old = name.rpartition(".")
    return f"{stem if dot and stem else name}.{ext}"


def _extension(name: str) -> str:
    _stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def _ooxml_type(upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                raise EvidenceRejected(_("文件内部结构异常（条目过多），已拒收。"))
            total = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members) or 1
            if total > ZIP_MAX_UNCOMPRESSED or total / packed > ZIP_MAX_RATIO:
                raise EvidenceRejected(_("文件解压后过大，疑似压缩炸弹，已拒收。"))
            try:
                info = archive.getinfo("[Content_Types].xml")
            except KeyError:
                return None
            if info.file_size > 1024 * 1024:
                return None
            types = archive.read(info).decode("utf-8", "replace")
    except zipfile.BadZipFile:
        return None
    for part, content_type in OOXML_MAIN_PARTS.items():
        if part in types:
            return content_type
    return None


def detect_type(upload, name: str) -> str:
    """The content type of an upload, decided from its bytes; raises EvidenceRejected."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    content_type = None
    if head.startswith(b"PK\x03\x04"):
        content_type = _ooxml_type(upload)
    elif head.startswith(OLE2_MAGIC):
        content_type = OLE2_BY_EXTENSION.get(_extension(name))
    else:
        kind = filetype.guess(head)
        content_type = kind.mime if kind else None
    upload.seek(0)
    if content_type not in ALLOWED_TYPES:
        raise EvidenceRejected(
            _(
                "“%(name)s”不是可接受的文件："
                "请上传 PDF、图片（JPG/PNG）或 Word、Excel、PowerPoint 文件。"
            )
            % {"name": name}
        )
    return content_type


def check_upload(upload) -> tuple[str, str]:
    """(safe original name, content type) of an acceptable upload."""
    name = safe_name(upload.name)
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise EvidenceRejected(
            _("“%(name)s”有 %(size)s，超过了 %(limit)s 的上限，请压缩或拆分后再上传。")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    if upload.size == 0:
        raise EvidenceRejected(_("“%(name)s”是空文件。") % {"name": name})
    content_type = detect_type(upload, name)
    return name_for_type(name, content_type), content_type


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def store_evidence(upload, *, by, unit, branch=None, period=None) -> Evidence:
    """Check and store an upload; the same file uploaded again for the same branch and
    period returns the evidence already kept instead of a second copy."""
    ensure(
        submission_selectors.may_store_evidence(by, unit, branch, period),
        _("只有本支部的书记（单位层面的材料：本单位管理员）可以上传材料。"),
    )
    if period is not None and period.status != Period.Status.OPEN:
        # Evidence of a period serves its submissions, which change only while it is open.
        raise EvidenceRejected(
            _("%(period)s%(status)s，不能再上传该节点的材料。")
            % {"period": period, "status": period.get_status_display()}
        )
    name, content_type = check_upload(upload)
    sha = _sha256(upload)
    existing = Evidence.objects.filter(unit=unit, branch=branch, period=period, sha256=sha).first()
    if existing is not None:
        return existing
    stored_name = f"{uuid.uuid4().hex}.{ALLOWED_TYPES[content_type]}"
    evidence = Evidence(
        unit=unit,
        branch=branch,
        period=period,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        sha256=sha,
        uploaded_by=by,
    )
    # upload_to adds the evidence/<year>/<month>/ folder; the name itself is random.
    evidence.file.save(stored_name, File(upload, name=stored_name), save=False)
    evidence.save()
    return evidence
