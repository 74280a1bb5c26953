"""``{{ challenge|localised:"title" }}``: the Welsh text on Welsh pages where there is one."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def localised(obj: Any, field: str) -> str:
    if (get_language() or "en").startswith("cy"):
        welsh = getattr(obj, f"{field}_cy", "")
        if welsh:
            return str(welsh)
    return str(getattr(obj, field, ""))
