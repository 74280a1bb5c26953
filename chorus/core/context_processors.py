from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language


def chorus(request: HttpRequest) -> dict[str, Any]:
    """Branding and the language switch, for every page."""
    language = get_language() or settings.LANGUAGE_CODE
    welsh = language == "cy"
    path = request.get_full_path()
    return {
        "service_name": settings.CHORUS_SERVICE_NAME_CY if welsh else settings.CHORUS_SERVICE_NAME,
        "organisation_name": (
            settings.CHORUS_ORGANISATION_NAME_CY if welsh else settings.CHORUS_ORGANISATION_NAME
        ),
        "logo_url": settings.CHORUS_LOGO_URL,
        "support_email": settings.CHORUS_SUPPORT_EMAIL,
        "language_links": [
            {
                "code": code,
                "name": name,
                "url": translate_url(path, code),
                "current": code == language,
            }
            for code, name in settings.LANGUAGES
        ],
    }
