"""Private files handed to the person who may see them: never cached, never sniffed into something else."""

import io
import mimetypes
from collections.abc import Callable

from django.http import FileResponse
from django.shortcuts import render

from .pdf import UnprintableCharacters


def download_name(filename: str, content_type: str) -> str:
    """``filename`` ending as its content says: an upload is checked by its content and keeps the name it came with,
    and a PDF saved as ``index.html`` would open as a page on the officer's computer."""
    extension = mimetypes.guess_extension(content_type.partition(";")[0].strip())
    if extension and not filename.lower().endswith(extension):
        return filename + extension
    return filename


def private_file(stream, *, filename: str, content_type: str = "application/pdf", attachment: bool = True):
    # FileResponse writes an RFC 6266 filename* for Chinese names and refuses header injection.
    response = FileResponse(
        stream, as_attachment=attachment, filename=download_name(filename, content_type), content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def rendered_pdf(request, render_pdf: Callable[[], bytes], *, filename: str):
    """A document rendered now, shown in the browser; or, when it holds characters the portal's fonts lack (a
    submission kept as typed, an emoji in it), a page saying which, rather than a PDF with boxes or an error."""
    try:
        content = render_pdf()
    except UnprintableCharacters as refusal:
        return render(request, "errors/unprintable.html", {"message": refusal.message}, status=422)
    return private_file(io.BytesIO(content), filename=filename, attachment=False)
