"""Checks on uploaded documents: PDFs are recognised by their content, never by their name (DESIGN §7)."""

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from portal.exceptions import DomainError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckedFile:
    size: int
    sha256: str
    pages: int


@contextmanager
def stored_files_removed_on_failure() -> Iterator[list]:
    """Files written to storage inside a transaction that then fails are deleted again: append each stored
    ``FieldFile`` to the yielded list. Wrap the ``transaction.atomic()`` block, so that it has rolled back first."""
    stored: list = []
    try:
        yield stored
    except BaseException:
        for file in stored:
            file.storage.delete(file.name)
        raise


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def check_pdf(uploaded_file) -> CheckedFile:
    """A parseable PDF within the size limit, or a DomainError that says what is wrong."""
    limit = settings.DOCUMENT_MAX_BYTES
    if uploaded_file.size > limit:
        raise DomainError(
            _("文件大小为 %(size)s MB，超过 %(limit)s MB 的上限。请压缩后再上传。")
            % {"size": megabytes(uploaded_file.size), "limit": megabytes(limit)},
            field="file",
        )
    if uploaded_file.size == 0:
        raise DomainError(_("文件是空的。"), field="file")
    uploaded_file.seek(0)
    if not uploaded_file.read(1024).lstrip().startswith(b"%PDF-"):
        raise DomainError(not_a_pdf_message(), field="file")
    uploaded_file.seek(0)
    try:
        pages = len(PdfReader(uploaded_file).pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        logger.info("Refused an unparseable PDF: %s", error)
        raise DomainError(not_a_pdf_message(), field="file") from None
    if pages == 0:
        raise DomainError(_("PDF 文件没有页面。"), field="file")
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return CheckedFile(size=uploaded_file.size, sha256=digest.hexdigest(), pages=pages)


def not_a_pdf_message() -> str:
    return _("该文件不是有效的 PDF 文件（按文件内容检查，而非扩展名）。请上传由原件扫描或导出的 PDF。")
