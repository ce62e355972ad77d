"""Every stored document against the SHA-256 and size recorded when it was stored: which files are missing from
private storage and which no longer hold the bytes they were stored with (``manage.py verify_documents``).

Export files (``monitoring.models.ExportJob``) are not checked: they record no hash, are rebuilt on demand from the
database and are purged after seven days."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _

from consortia.models import ChangeDocument, Document, LifecycleDocument
from reviews.models import FilingNotice, SupersededNotice

# Each model whose rows keep a file with the ``sha256`` and ``size`` of its content when it was stored.
HASHED_FILE_MODELS = (Document, ChangeDocument, LifecycleDocument, FilingNotice, SupersededNotice)
CHUNK_BYTES = 1024 * 1024


class Fault:
    MISSING = "missing"
    ALTERED = "altered"
    SIZE_DIFFERS = "size_differs"


@dataclass(frozen=True)
class Problem:
    model: str  # the model's label, e.g. "consortia.Document"
    pk: int
    file_name: str
    fault: str  # a ``Fault``
    expected: str = ""
    actual: str = ""

    def describe(self) -> str:
        where = f"{self.model} #{self.pk}（{self.file_name or _('无文件名')}）"
        if self.fault == Fault.MISSING:
            return _("%(where)s：文件缺失") % {"where": where}
        if self.fault == Fault.ALTERED:
            return _("%(where)s：文件已被改动，应为 SHA-256 %(expected)s，实为 %(actual)s") % {
                "where": where,
                "expected": self.expected,
                "actual": self.actual,
            }
        return _("%(where)s：内容与记录的 SHA-256 一致，但记录的大小为 %(expected)s 字节，文件为 %(actual)s 字节") % {
            "where": where,
            "expected": self.expected,
            "actual": self.actual,
        }


@dataclass
class Verification:
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    def count(self, fault: str) -> int:
        return sum(1 for problem in self.problems if problem.fault == fault)


def _digest(file) -> tuple[str, int] | None:
    """(SHA-256, size) of the stored ``file`` read in chunks, or ``None`` when storage has no such file."""
    if not file.name:
        return None
    digest, size = hashlib.sha256(), 0
    try:
        with file.storage.open(file.name, "rb") as stored:
            for chunk in iter(lambda: stored.read(CHUNK_BYTES), b""):
                digest.update(chunk)
                size += len(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest(), size


def _problems_of(model) -> Iterator[Problem | None]:
    """One item per row of ``model``: its problem, or ``None`` when its file is intact."""
    rows = model.objects.only("pk", "file", "sha256", "size").order_by("pk").iterator(chunk_size=500)
    for row in rows:
        found = _digest(row.file)
        problem = Problem(model=model._meta.label, pk=row.pk, file_name=row.file.name, fault=Fault.MISSING)
        if found is None:
            yield problem
            continue
        sha256, size = found
        if sha256 != row.sha256:
            yield replace(problem, fault=Fault.ALTERED, expected=row.sha256, actual=sha256)
        elif size != row.size:
            yield replace(problem, fault=Fault.SIZE_DIFFERS, expected=str(row.size), actual=str(size))
        else:
            yield None


def verify_documents() -> Verification:
    """Hash every stored document's file and compare it with what its row recorded."""
    verification = Verification()
    for model in HASHED_FILE_MODELS:
        for problem in _problems_of(model):
            verification.checked += 1
            if problem is not None:
                verification.problems.append(problem)
    return verification
