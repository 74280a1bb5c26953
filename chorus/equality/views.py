"""The public page where anyone holding the link from their receipt deletes their answers."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from chorus.equality.services import equality_remove


@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest, key: UUID) -> HttpResponse:
    # The same answer whether or not answers were held, so the page tells no one anything.
    done = False
    if request.method == "POST":
        equality_remove(key)
        done = True
    return render(request, "equality/remove.html", {"done": done})
