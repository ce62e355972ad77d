"""The user guides of docs/guide/ as pages of the portal, for everybody, signed in or not (a new lead unit reads them
from the login and registration pages).

Only the guides named in ``GUIDES`` are read, from the repository's own folder: the slug picks an entry, never a
path. Their screenshots are static files under ``guide/`` (``STATICFILES_DIRS``); links between guides become links
to these pages. The HTML has no inline style or script, so it passes a Content-Security-Policy without
'unsafe-inline'.
"""

import re
from pathlib import Path
from xml.etree.ElementTree import Element

import markdown
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

GUIDE_DIR = Path(settings.BASE_DIR) / "docs" / "guide"
# Slug (the file's name without .md) → who the guide is for, in the order of the index.
GUIDES = {
    "lead-unit": _("牵头单位用户"),
    "district": _("区（园区）科技局"),
    "city": _("市科技局"),
    "admin": _("系统管理员"),
}
IMAGE_PREFIX = "images/"
# The page's own title is an h4: the guide's sections are sized below it.
HEADING_CLASSES = {"h2": "h5 mt-4", "h3": "h6 mt-3"}
# A line break inside a paragraph shows as a space, which Chinese text does not have between its characters.
WIDE_LINE_BREAK = re.compile(r"(?<=[^\x00-\xff])\n[ \t]*(?=[^\x00-\xff])")


class PortalLinks(Treeprocessor):
    """Screenshots to their static URL, links to another guide to its help page, tables, images and headings styled
    by Bootstrap's classes (a class, unlike a style attribute, needs nothing from the CSP), and no line break inside
    a paragraph between two Chinese characters."""

    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.tag != "code":
                element.text = element.text and WIDE_LINE_BREAK.sub("", element.text)
            element.tail = element.tail and WIDE_LINE_BREAK.sub("", element.tail)
            if element.tag == "img" and element.get("src", "").startswith(IMAGE_PREFIX):
                element.set("src", static("guide/" + element.get("src").removeprefix(IMAGE_PREFIX)))
                element.set("class", "img-fluid border rounded my-2")
                element.set("loading", "lazy")
            elif element.tag == "a":
                target, _hash, fragment = element.get("href", "").partition("#")
                slug = target.removesuffix(".md")
                if target.endswith(".md") and slug in GUIDES:
                    element.set("href", reverse("help_guide", args=[slug]) + (f"#{fragment}" if fragment else ""))
            elif element.tag == "table":
                element.set("class", "table table-sm table-bordered")
            elif element.tag in HEADING_CLASSES:
                element.set("class", HEADING_CLASSES[element.tag])


class PortalLinksExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(PortalLinks(md), "portal_links", 5)


def read_guide(slug: str) -> tuple[str, str]:
    """The guide's title (its first line, a level-1 heading) and the Markdown after it."""
    first, _newline, body = (GUIDE_DIR / f"{slug}.md").read_text(encoding="utf-8").partition("\n")
    return first.removeprefix("# ").strip(), body


def render_guide(slug: str) -> tuple[str, str]:
    """The guide's title and its body as HTML."""
    title, body = read_guide(slug)
    converter = markdown.Markdown(
        extensions=["fenced_code", "tables", PortalLinksExtension()],
        extension_configs={"tables": {"use_align_attribute": True}},
    )
    return title, converter.convert(body)


def guide_titles() -> list[dict]:
    return [{"slug": slug, "audience": audience, "title": read_guide(slug)[0]} for slug, audience in GUIDES.items()]


def index(request):
    return render(request, "help/index.html", {"guides": guide_titles()})


def guide(request, slug):
    if slug not in GUIDES:
        raise Http404(_("没有这份使用指南。"))
    title, body = render_guide(slug)
    return render(request, "help/guide.html", {"slug": slug, "title": title, "body": body, "guides": guide_titles()})
