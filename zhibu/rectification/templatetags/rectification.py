from __future__ import annotations

from django import template

from zhibu.textcheck.rules import RULES

register = template.Library()


@register.filter
def rule_label(code: str) -> str:
    """A 材料质检 rule's Chinese name."""
    return RULES.get(code, code)
