"""The portal's PDF documents: a Django template rendered by WeasyPrint, the same bytes for the same data.

WeasyPrint reads no clock: a PDF's CreationDate and ModDate are what the template's ``dcterms.created`` and
``dcterms.modified`` meta tags say, so a template dates its document from its data. The file identifier is derived
from a key the caller names (the document's number and date), so a re-issued document can be checked byte for byte
against the digest recorded when it was first issued. Templates fetch nothing (no base URL): everything a document
shows is in its template.
"""

import hashlib

from django.template.loader import render_to_string
from weasyprint import CSS, HTML

# The Simplified Chinese faces first: without them WeasyPrint falls back to a Latin font for text and to the Japanese
# forms of the CJK faces for characters, or prints boxes where no font has the character at all.
CJK_FONTS = '"Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "WenQuanYi Micro Hei", serif'
# At the user's level of the cascade, so a template's own choice wins. Set on the page as well as on html: the margin
# boxes (running headers, page numbers) inherit from the page, not from the document.
DEFAULT_FONTS = CSS(string=f"@page {{ font-family: {CJK_FONTS}; }} html {{ font-family: {CJK_FONTS}; }}")


def render_pdf(template_name: str, context: dict, *, key: str) -> bytes:
    """``template_name`` rendered with ``context`` as PDF bytes; ``key`` names the document and gives its file
    identifier, so two renders of the same data are identical."""
    html = render_to_string(template_name, context)
    identifier = hashlib.md5(key.encode(), usedforsecurity=False).hexdigest().encode("ascii")
    return HTML(string=html).write_pdf(stylesheets=[DEFAULT_FONTS], pdf_identifier=identifier)
