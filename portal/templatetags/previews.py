"""Shortened text for lists (the inbox's previews): cut where a reader would pause, never inside a date, a number or
a document number such as 宁创联备〔2026〕001号, which ``truncatechars`` would split at any character."""

import re

from django import template

register = template.Library()

ELLIPSIS = "…"
# A pause comes after the end of a clause or a closing bracket, and before an opening bracket (or at a space).
_BREAK_AFTER = frozenset("，。、；：！？）】」』》〉〕”’,.;:!?)]")
_BREAK_BEFORE = frozenset("（【「『《〈〔“‘([")
# What reads as one token and stays whole: Latin words and numbers with what joins them (2026-12-01, 10:30, 3.5%,
# 1,000) and document numbers (宁创联备〔2026〕001号, 宁科规〔2025〕2号).
_TOKEN = re.compile(r"[0-9A-Za-z]+(?:[-./:,_@][0-9A-Za-z]+)*%?|[\u4e00-\u9fff]{2,6}〔\d{4}〕\d+号")
# Nothing a preview should end on: the ellipsis stands in their place.
_DANGLING = "".join(_BREAK_BEFORE) + "，、；：。！？,;:.!? "


@register.filter
def preview(value, length):
    """``value`` in at most ``length`` characters (the ellipsis included), white space folded. The cut is at the last
    pause (Chinese words are not spaced, so punctuation and spaces are the only boundaries that are sure); text with
    none is cut at the last place outside a token, and only a single token longer than the allowance inside it."""
    try:
        length = int(length)
    except (TypeError, ValueError):
        return value
    text = " ".join(str(value).split())
    if len(text) <= length:
        return text
    keep = max(length - len(ELLIPSIS), 1)
    inside = {cut for token in _TOKEN.finditer(text) for cut in range(token.start() + 1, token.end())}
    cuts = [cut for cut in range(keep, 0, -1) if cut not in inside]
    pauses = [cut for cut in cuts if _is_pause(text, cut)]
    cut = (pauses or cuts or [keep])[0]
    return (text[:cut].rstrip(_DANGLING) or text[:cut]) + ELLIPSIS


def _is_pause(text: str, cut: int) -> bool:
    before, after = text[cut - 1], text[cut]
    return before in _BREAK_AFTER or after in _BREAK_BEFORE or " " in (before, after)
