"""Files kept in step with the database: a file written inside a transaction that fails is removed again, and a file
whose row is deleted leaves storage only once the deletion has committed. Nothing is lost when a transaction rolls
back, and nothing is left behind that no row names."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction


class StoredFiles:
    """The files one transaction writes and deletes; made by ``files_in_step``."""

    def __init__(self):
        self._written: list = []

    def written(self, file) -> None:
        """``file`` (a FieldFile) was just saved to storage: remove it again if the transaction does not commit."""
        self._written.append(file)

    def delete_after_commit(self, file) -> None:
        """``file`` loses its row in this transaction: remove it from storage once, and only if, that commits."""
        storage, name = file.storage, file.name
        transaction.on_commit(lambda: storage.delete(name))

    def _remove_written(self) -> None:
        for file in self._written:
            file.storage.delete(file.name)


@contextmanager
def files_in_step() -> Iterator[StoredFiles]:
    """Wrap a ``transaction.atomic()`` block (outside it, so that it has rolled back first)::

    with files_in_step() as files, transaction.atomic():
        document.file.save(...); files.written(document.file)
    """
    files = StoredFiles()
    try:
        yield files
    except BaseException:
        files._remove_written()
        raise
