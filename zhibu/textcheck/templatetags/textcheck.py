"""``{{ text|highlight:findings }}``: the text with each finding's span marked, all escaped."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from zhibu.textcheck.rules import Finding

register = template.Library()
_BREAKS = re.compile(r"\r\n|\r|\n")


@register.filter
def highlight(text: str, findings: Sequence[Finding]) -> SafeString:
    """``text`` escaped, each run of characters that findings cover in one
    ``<mark class="tc-mark" title="…">``, line breaks as ``<br>``.

    Findings may overlap (a soft word inside a measure with no time limit): the text is cut
    wherever the set of findings covering it changes, and each piece is marked with the
    messages of all the findings over it, so marks never nest.
    """
    # Offsets are into the text as checked: cut that text, and turn its line breaks (any
    # kind, as posted) into <br> only inside each escaped piece.
    text = str(text or "")
    spans = [(max(f.start, 0), min(f.end, len(text)), f) for f in findings]
    spans = [s for s in spans if s[0] < s[1]]
    cuts = sorted({0, len(text), *(a for a, _, _ in spans), *(b for _, b, _ in spans)})
    pieces: list[str] = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        over = [f for a, b, f in spans if a <= lo and hi <= b]
        body = _BREAKS.sub("<br>\n", escape(text[lo:hi]))
        if over:
            title = "；".join(dict.fromkeys(f.message for f in over))
            rules = " ".join(dict.fromkeys(f.rule for f in over))
            pieces.append(
                format_html(
                    '<mark class="tc-mark" data-rule="{}" title="{}">{}</mark>',
                    rules,
                    title,
                    mark_safe(body),  # noqa: S308  (escaped just above)
                )
            )
        else:
            pieces.append(body)
    return mark_safe("".join(pieces))  # noqa: S308  (every piece escaped above)
