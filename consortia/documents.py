"""Checks on uploaded documents: PDFs are recognised by their content, never by their name (DESIGN §7)."""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NullObject

from portal.exceptions import DomainError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckedFile:
    size: int
    sha256: str
    pages: int


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def check_pdf(uploaded_file) -> CheckedFile:
    """A parseable PDF within the size limit, with no script, automatic or launching action or embedded file in it
    (a document is never a carrier of code), or a DomainError that says what is wrong."""
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
        reader = PdfReader(uploaded_file)
        pages = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        logger.info("Refused an unparseable PDF: %s", error)
        raise DomainError(not_a_pdf_message(), field="file") from None
    if pages == 0:
        raise DomainError(_("PDF 文件没有页面。"), field="file")
    refuse_active_content(reader)
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return CheckedFile(size=uploaded_file.size, sha256=digest.hexdigest(), pages=pages)


def not_a_pdf_message() -> str:
    return _("该文件不是有效的 PDF 文件（按文件内容检查，而非扩展名）。请上传由原件扫描或导出的 PDF。")


# --- Active content: scripts, actions, embedded files -----------------------------------------------------------------
# A filing's PDFs are opened by officers on the bureau's desks: a PDF that runs a script, launches a program or
# carries other files inside is refused, wherever in the file it hides. Every object of the file is inspected, those
# the cross-reference table lists and those reachable from the trailer, not only the catalogue and the pages.

MAX_INSPECTED_OBJECTS = 100_000  # dictionaries, arrays and indirect objects; a scanned 20-page filing has a few hundred
MAX_REFERENCE_CHAIN = 32  # an indirect object that is only a reference to another, and so on
MAX_UNLISTED_REFERENCES = 100  # references to objects the cross-reference table does not list

SCRIPT_KEYS = frozenset({"/JS", "/JavaScript", "/AA"})  # script text, the document's script tree, additional actions
SCRIPT_ACTIONS = frozenset({"/JavaScript", "/Launch"})  # an action's /S
EMBEDDING_KEYS = frozenset({"/EmbeddedFiles", "/EF"})  # the names tree of embedded files, a file spec's embedded file
EMBEDDED_FILE_TYPE = "/EmbeddedFile"
FILE_ATTACHMENT_SUBTYPE = "/FileAttachment"
HARMLESS_OPEN_ACTION = "/GoTo"  # the one action allowed to run on opening: going to a page


class _TooComplex(Exception):
    pass


def script_message() -> str:
    return _(
        "该 PDF 含有脚本（JavaScript）或自动执行的动作，出于安全原因不能上传。请将文件另存或打印为普通 PDF 后再上传。"
    )


def embedded_file_message() -> str:
    return _("该 PDF 内嵌了其他文件，出于安全原因不能上传。请分别上传各份材料。")


def too_complex_message() -> str:
    return _("该 PDF 结构过于复杂，无法完成安全检查，不能上传。请将文件另存或打印为普通 PDF 后再上传。")


def refuse_active_content(reader: PdfReader) -> None:
    """A DomainError if the PDF holds JavaScript, an automatic or launching action, or embedded files."""
    try:
        problem = _find_active_content(reader)
    except (_TooComplex, RecursionError, MemoryError, PyPdfError) as error:
        logger.info("Refused a PDF too complex to inspect: %r", error)
        raise DomainError(too_complex_message(), field="file") from None
    except (ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        logger.info("Refused a PDF whose objects cannot be read: %r", error)
        raise DomainError(not_a_pdf_message(), field="file") from None
    if problem is not None:
        logger.info("Refused a PDF with active content: %s", problem)
        raise DomainError(script_message() if problem == "script" else embedded_file_message(), field="file")


def _find_active_content(reader: PdfReader) -> str | None:
    """``"script"``, ``"embedded"`` or None."""
    return _Inspection(reader).run()


class _Inspection:
    """Walks every object of the file once (a visited set of object numbers), iteratively: each dictionary (streams
    too: their dictionary, never their compressed data) is looked at for scripts, actions and embedded files. Gives up
    with ``_TooComplex`` past ``MAX_INSPECTED_OBJECTS``, or when the file refers to too many objects it does not list
    (pypdf searches the whole file for each of those)."""

    def __init__(self, reader: PdfReader):
        self.reader = reader
        self.listed = {(number, generation) for generation, numbers in reader.xref.items() for number in numbers}
        self.listed |= {(number, 0) for number in reader.xref_objStm}
        self.unlisted_lookups = 0

    def run(self) -> str | None:
        if len(self.listed) > MAX_INSPECTED_OBJECTS:
            raise _TooComplex(f"{len(self.listed)} objects listed")
        pending: list = [self.reader.trailer]
        pending += [IndirectObject(number, generation, self.reader) for number, generation in sorted(self.listed)]
        seen: set[tuple[int, int]] = set()
        inspected = 0
        while pending:
            node = pending.pop()
            if isinstance(node, IndirectObject):
                key = (node.idnum, node.generation)
                if key in seen:
                    continue
                seen.add(key)
                node = self.resolve(node)
                if isinstance(node, IndirectObject):  # an object that is only a reference to another
                    pending.append(node)
                    continue
            if isinstance(node, DictionaryObject):
                problem = self.problem(node)
                if problem is not None:
                    return problem
                pending.extend(dict.values(node))  # as stored: this loop follows the references, once each
            elif isinstance(node, ArrayObject):
                pending.extend(list.__iter__(node))
            else:
                continue
            inspected += 1
            if inspected > MAX_INSPECTED_OBJECTS:
                raise _TooComplex(f"more than {MAX_INSPECTED_OBJECTS} objects")
        return None

    def resolve(self, reference: IndirectObject):
        if (reference.idnum, reference.generation) not in self.listed:
            self.unlisted_lookups += 1
            if self.unlisted_lookups > MAX_UNLISTED_REFERENCES:
                raise _TooComplex("too many references to objects the file does not list")
        return self.reader.get_object(reference)

    def value(self, dictionary: DictionaryObject, key: str):
        """The value under ``key`` with references resolved (a viewer resolves them too), or None."""
        value = dict.get(dictionary, key)
        for _hop in range(MAX_REFERENCE_CHAIN):
            if not isinstance(value, IndirectObject):
                return value
            value = self.resolve(value)
        raise _TooComplex("a chain of references")

    def problem(self, dictionary: DictionaryObject) -> str | None:
        keys = set(dictionary.keys())
        if keys & SCRIPT_KEYS or self.value(dictionary, "/S") in SCRIPT_ACTIONS:
            return "script"
        if "/OpenAction" in keys and not self.opens_at_a_page(self.value(dictionary, "/OpenAction")):
            return "script"
        if (
            keys & EMBEDDING_KEYS
            or self.value(dictionary, "/Type") == EMBEDDED_FILE_TYPE
            or self.value(dictionary, "/Subtype") == FILE_ATTACHMENT_SUBTYPE
        ):
            return "embedded"
        return None

    def opens_at_a_page(self, open_action) -> bool:
        """A destination, or a /GoTo action to one with nothing chained after it: what LaTeX and office suites
        write to open the document at its first page. Any other action run on opening is refused."""
        if not isinstance(open_action, DictionaryObject):
            return True  # a destination: an array, or a named one
        following = self.value(open_action, "/Next")
        nothing_follows = following is None or isinstance(following, NullObject)
        return self.value(open_action, "/S") == HARMLESS_OPEN_ACTION and nothing_follows
