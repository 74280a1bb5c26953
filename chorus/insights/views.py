"""The public data catalogue (pages, CSV with CSVW metadata, JSON, DCAT), its read-only
API, and the staff pages that preview and publish datasets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chorus.accounts.models import Role
from chorus.core.access import role_required, staff_required, staff_user
from chorus.core.downloads import absolute_url, csv_text
from chorus.core.ratelimit import hit
from chorus.insights import services
from chorus.insights.datasets import catalogue_ensure
from chorus.insights.models import Dataset, DatasetVersion

API_LIMIT = 120  # requests a minute per address


def _published(slug: str) -> tuple[Dataset, DatasetVersion]:
    dataset = get_object_or_404(Dataset, slug=slug)
    version = dataset.latest
    if version is None:
        raise Http404
    return dataset, version


# Public pages and downloads --------------------------------------------------------------


def catalogue(request: HttpRequest) -> HttpResponse:
    datasets = [d for d in Dataset.objects.prefetch_related("versions") if d.latest is not None]
    return render(request, "insights/catalogue.html", {"datasets": datasets})


def dataset_page(request: HttpRequest, slug: str) -> HttpResponse:
    dataset, version = _published(slug)
    return render(
        request,
        "insights/dataset.html",
        {"dataset": dataset, "version": version, "sample": version.rows[:20]},
    )


def dataset_csv(request: HttpRequest, slug: str) -> HttpResponse:
    _dataset, version = _published(slug)
    return HttpResponse(
        csv_text([[c["name"] for c in version.columns], *version.rows]),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{slug}.csv"',
            "Link": f'<{slug}.csv-metadata.json>; rel="describedby"',
        },
    )


def _csvw(dataset: Dataset, version: DatasetVersion) -> dict[str, Any]:
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": absolute_url(reverse("insights_files:dataset_csv", args=[dataset.slug])),
        "dc:title": dataset.title,
        "dc:description": dataset.description,
        "dc:license": {"@id": dataset.licence},
        "dc:modified": version.created_at.date().isoformat(),
        "dcat:accrualPeriodicity": dataset.frequency,
        "tableSchema": {
            "columns": [
                {
                    "name": c["name"],
                    "titles": c["title"],
                    "dc:description": c["description"],
                    "datatype": c["datatype"],
                    "null": "",
                }
                for c in version.columns
            ]
        },
        "rdfs:comment": _("Numbers below %(n)s, and numbers that would reveal them, are left empty.")
        % {"n": version.threshold},
    }


def dataset_csvw(request: HttpRequest, slug: str) -> JsonResponse:
    dataset, version = _published(slug)
    return JsonResponse(_csvw(dataset, version), content_type="application/csvm+json")


def _json(dataset: Dataset, version: DatasetVersion) -> dict[str, Any]:
    names = [c["name"] for c in version.columns]
    return {
        "dataset": dataset.slug,
        "title": dataset.title,
        "version": version.number,
        "published": version.created_at.isoformat(),
        "licence": dataset.licence,
        "suppressed_below": version.threshold,
        "columns": version.columns,
        "rows": [dict(zip(names, row, strict=True)) for row in version.rows],
    }


def dataset_json(request: HttpRequest, slug: str) -> JsonResponse:
    dataset, version = _published(slug)
    return JsonResponse(_json(dataset, version))


def catalogue_dcat(request: HttpRequest) -> JsonResponse:
    """The catalogue as DCAT in JSON-LD."""
    datasets = []
    for dataset in Dataset.objects.all():
        version = dataset.latest
        if version is None:
            continue
        datasets.append(
            {
                "@type": "dcat:Dataset",
                "@id": absolute_url(reverse("insights:dataset_page", args=[dataset.slug])),
                "dct:identifier": dataset.slug,
                "dct:title": dataset.title,
                "dct:description": dataset.description,
                "dct:license": {"@id": dataset.licence},
                "dct:modified": version.created_at.date().isoformat(),
                "dct:accrualPeriodicity": dataset.frequency,
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dcat:downloadURL": {
                            "@id": absolute_url(reverse("insights_files:dataset_csv", args=[dataset.slug]))
                        },
                        "dcat:mediaType": "text/csv",
                        "dct:conformsTo": {
                            "@id": absolute_url(reverse("insights_files:dataset_csvw", args=[dataset.slug]))
                        },
                    },
                    {
                        "@type": "dcat:Distribution",
                        "dcat:downloadURL": {
                            "@id": absolute_url(reverse("insights_files:dataset_json", args=[dataset.slug]))
                        },
                        "dcat:mediaType": "application/json",
                    },
                ],
            }
        )
    return JsonResponse(
        {
            "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"},
            "@type": "dcat:Catalog",
            "dct:title": f"{settings.CHORUS_ORGANISATION_NAME}: {_('open data')}",
            "dct:publisher": settings.CHORUS_ORGANISATION_NAME,
            "dcat:dataset": datasets,
        },
        content_type="application/ld+json",
    )


# Read-only API ---------------------------------------------------------------------------


def _limited(request: HttpRequest) -> JsonResponse | None:
    address = getattr(request, "client_address", None) or ""
    if hit("data-api", address, limit=API_LIMIT, per=timedelta(minutes=1)):
        return JsonResponse(
            {"error": f"Too many requests: at most {API_LIMIT} a minute. Wait a minute and try again."},
            status=429,
            headers={"Retry-After": "60"},
        )
    return None


def api_datasets(request: HttpRequest) -> JsonResponse:
    if (refused := _limited(request)) is not None:
        return refused
    out = []
    for dataset in Dataset.objects.all():
        version = dataset.latest
        if version is not None:
            out.append(
                {
                    "dataset": dataset.slug,
                    "title": dataset.title,
                    "version": version.number,
                    "published": version.created_at.isoformat(),
                    "url": absolute_url(reverse("insights_files:api_dataset", args=[dataset.slug])),
                }
            )
    return JsonResponse({"datasets": out})


def api_dataset(request: HttpRequest, slug: str) -> JsonResponse:
    if (refused := _limited(request)) is not None:
        return refused
    dataset = Dataset.objects.filter(slug=slug).first()
    if dataset is None or dataset.latest is None:
        return JsonResponse(
            {
                "error": f"There is no published dataset called {slug!r}. "
                "GET /api/data/v1/datasets lists them."
            },
            status=404,
        )
    return JsonResponse(_json(dataset, dataset.latest))


def api_openapi(request: HttpRequest) -> JsonResponse:
    row = {"type": "object", "additionalProperties": {"type": ["string", "number", "integer", "null"]}}
    return JsonResponse(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "Chorus open data",
                "version": "1.0.0",
                "description": "Published datasets, read-only. Suppressed numbers are null.",
            },
            "paths": {
                "/api/data/v1/datasets": {
                    "get": {
                        "summary": "List the published datasets",
                        "responses": {
                            "200": {"description": "The datasets"},
                            "429": {"description": "Rate limited"},
                        },
                    }
                },
                "/api/data/v1/datasets/{slug}": {
                    "get": {
                        "summary": "One dataset's latest published version",
                        "parameters": [
                            {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
                        ],
                        "responses": {
                            "200": {
                                "description": "The dataset",
                                "content": {
                                    "application/json": {
                                        "schema": {
                                            "type": "object",
                                            "required": ["dataset", "version", "columns", "rows"],
                                            "properties": {
                                                "dataset": {"type": "string"},
                                                "title": {"type": "string"},
                                                "version": {"type": "integer"},
                                                "published": {"type": "string", "format": "date-time"},
                                                "licence": {"type": "string"},
                                                "suppressed_below": {"type": "integer"},
                                                "columns": {"type": "array", "items": {"type": "object"}},
                                                "rows": {"type": "array", "items": row},
                                            },
                                        }
                                    }
                                },
                            },
                            "404": {"description": "No such published dataset"},
                            "429": {"description": "Rate limited"},
                        },
                    }
                },
            },
        }
    )


# Staff -----------------------------------------------------------------------------------


@staff_required
def staff_datasets(request: HttpRequest) -> HttpResponse:
    catalogue_ensure()
    return render(
        request, "insights/staff_datasets.html", {"datasets": Dataset.objects.prefetch_related("versions")}
    )


@staff_required
@role_required(Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER, Role.ANALYST)
@require_http_methods(["GET", "POST"])
def staff_dataset(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = get_object_or_404(Dataset, slug=slug)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Confirm that you have checked the preview before publishing."))
            return redirect("insights:staff_dataset", slug=slug)
        version = services.dataset_publish(dataset=dataset, actor=staff_user(request))
        messages.success(request, _("Version %(n)s is published.") % {"n": version.number})
        return redirect("insights:staff_dataset", slug=slug)
    built = services.dataset_build(dataset)
    return render(
        request,
        "insights/staff_dataset.html",
        {
            "dataset": dataset,
            "built": built,
            "sample": built.rows[:50],
            "versions": dataset.versions.select_related("published_by"),
        },
    )
