"""Private files handed to the person who may see them: never cached, never sniffed into something else."""

from django.http import FileResponse


def private_file(stream, *, filename: str, content_type: str = "application/pdf", attachment: bool = True):
    # FileResponse writes an RFC 6266 filename* for Chinese names and refuses header injection.
    response = FileResponse(stream, as_attachment=attachment, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
