"""材料质检 while typing: a form's textarea posts its text here and shows what comes back."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_POST

from zhibu.core.http import Request
from zhibu.textcheck import rules

CHECKS: dict[str, Callable[[str], list[rules.Finding]]] = {
    "measure": rules.check_measure,
    # A measure whose form has its own deadline field: only the wording is checked.
    "dated_measure": rules.vague_commitment,
    "problem": rules.check_problem,
    "any": rules.check_line,
}
# Longer texts are checked this far (a problem is at most 4,000 characters): a pasted book
# should not keep a worker busy.
MAX_CHARS = 20_000


@require_POST
def check(request: Request) -> HttpResponse:
    """The findings for the posted text, as a fragment. Any signed-in user may ask: it reads
    only what they posted and stores nothing. By POST, because the text may be long and need
    not end up in access logs."""
    kind = request.POST.get("kind") or "any"
    if kind not in CHECKS:
        return HttpResponseBadRequest("kind 应为 measure、dated_measure、problem 或 any")
    text = request.POST.get(request.POST.get("field") or "text", "")
    findings = CHECKS[kind](text[:MAX_CHARS]) if text.strip() else []
    return render(request, "textcheck/check.html#findings", {"text": text, "findings": findings})
