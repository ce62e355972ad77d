"""The links of the main navigation (the sidebar), with the page the user is on marked for the eye (``active``) and
for screen readers (``aria-current``)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

HOME = "/"


def is_current(path: str, href: str) -> bool:
    """A link is current on its own page and on the pages under it (a filing under 备案申请); the home page's path
    is a prefix of every path, so 工作台 is current only on itself."""
    if href == HOME:
        return path == HOME
    return path.startswith(href)


@register.simple_tag(takes_context=True)
def nav_link(context, url_name: str, label: str, testid: str = "") -> str:
    href = reverse(url_name)
    request = context.get("request")
    current = request is not None and is_current(request.path, href)
    # The attributes keep the order href, data-testid that tests of the rendered page rely on.
    return format_html(
        '<li class="nav-item"><a class="nav-link{}" href="{}"{}{}>{}</a></li>',
        " active" if current else "",
        href,
        format_html(' data-testid="{}"', testid) if testid else "",
        mark_safe(' aria-current="page"') if current else "",
        label,
    )
