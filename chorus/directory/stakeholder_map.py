"""The stakeholder map: influence against interest, as an accessible SVG chart and a table."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from chorus.core.downloads import csv_text
from chorus.directory.models import Assessment
from chorus.directory.selectors import people_for

if TYPE_CHECKING:
    from chorus.accounts.models import User

MAX_POINTS = 400
SIZE, MARGIN = 520, 60
CELL = (SIZE - 2 * MARGIN) / 5


@dataclass(frozen=True)
class MapPoint:
    name: str
    url: str
    influence: int
    interest: int
    health: str
    assessed_on: str
    kind: str


def map_points(user: User, filters: dict[str, Any]) -> tuple[list[MapPoint], int]:
    """The latest overall assessment of each person the user may see, filtered."""
    people = people_for(user)
    if group := filters.get("group"):
        people = people.filter(group_memberships__group=group)
    if region := filters.get("region"):
        people = people.filter(region=region)
    latest = Assessment.objects.filter(person=OuterRef("pk"), project_code__isnull=True).order_by(
        "-assessed_on", "-id"
    )
    people = people.annotate(latest_id=Subquery(latest.values("id")[:1])).filter(latest_id__isnull=False)
    total = people.count()
    assessments = Assessment.objects.filter(pk__in=people.values("latest_id")[:MAX_POINTS]).select_related(
        "person"
    )
    points = [
        MapPoint(
            name=a.person.full_name if a.person else "",
            url=reverse("directory:person_detail", kwargs={"code": a.person.code}) if a.person else "",
            influence=a.influence,
            interest=a.interest,
            health=a.get_health_display() if a.health else "",
            assessed_on=a.assessed_on.isoformat(),
            kind="person",
        )
        for a in assessments
    ]
    return sorted(points, key=lambda p: (-p.influence, -p.interest, p.name)), total


def _jitter(name: str) -> tuple[float, float]:
    digest = hashlib.sha256(name.encode()).digest()
    return (digest[0] / 255 - 0.5) * CELL * 0.7, (digest[1] / 255 - 0.5) * CELL * 0.7


def _position(point: MapPoint) -> tuple[float, float]:
    dx, dy = _jitter(point.url)
    x = MARGIN + (point.interest - 0.5) * CELL + dx
    y = SIZE - MARGIN - (point.influence - 0.5) * CELL + dy
    return round(x, 1), round(y, 1)


_STANDALONE_STYLE = (
    ".chorus-map__quadrant{fill:#f3f2f1;stroke:#b1b4b6}"
    ".chorus-map__quadrant-label{font:bold 14px arial;fill:#505a5f}"
    ".chorus-map__tick,.chorus-map__axis{font:14px arial;fill:#0b0c0c}"
    ".chorus-map__point{fill:#1d70b8;stroke:#fff;stroke-width:2}"
)


def map_svg(points: list[MapPoint], *, standalone: bool = False) -> SafeString:
    """The chart. Each point is a link to its record, named for screen readers."""
    quadrants = [
        (MARGIN, MARGIN, _("Keep satisfied")),
        (SIZE / 2, MARGIN, _("Manage closely")),
        (MARGIN, SIZE / 2, _("Monitor")),
        (SIZE / 2, SIZE / 2, _("Keep informed")),
    ]
    half = (SIZE - 2 * MARGIN) / 2
    quadrant_svg = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="chorus-map__quadrant"/>'
        '<text x="{}" y="{}" class="chorus-map__quadrant-label">{}</text>',
        ((x, y, half, half, x + 6, y + 18, label) for x, y, label in quadrants),
    )
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" class="chorus-map__tick">{}</text>'
        '<text x="{}" y="{}" class="chorus-map__tick">{}</text>',
        (
            (
                MARGIN + (i - 0.5) * CELL,
                SIZE - MARGIN + 20,
                i,
                MARGIN - 20,
                SIZE - MARGIN - (i - 0.5) * CELL + 5,
                i,
            )
            for i in range(1, 6)
        ),
    )
    dots = format_html_join(
        "",
        '<a href="{}" aria-label="{}">'
        '<circle cx="{}" cy="{}" r="6" class="chorus-map__point"/><title>{}</title></a>',
        (
            (
                p.url,
                _("%(name)s: influence %(influence)s, interest %(interest)s")
                % {"name": p.name, "influence": p.influence, "interest": p.interest},
                *_position(p),
                p.name,
            )
            for p in points
        ),
    )
    # The standalone file (download) carries its own styles; on the page the site's CSS styles it.
    style = format_html("<style>{}</style>", _STANDALONE_STYLE) if standalone else ""
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="group" '
        'aria-labelledby="map-title map-desc" class="chorus-map">'
        '{}<title id="map-title">{}</title><desc id="map-desc">{}</desc>{}{}'
        '<text x="{}" y="{}" class="chorus-map__axis" text-anchor="middle">{}</text>'
        '<text x="20" y="{}" class="chorus-map__axis" text-anchor="middle" '
        'transform="rotate(-90 20 {})">{}</text>{}</svg>',
        SIZE,
        SIZE,
        style,
        _("Stakeholder map"),
        _(
            "Each person is placed by interest (across, 1 to 5) and influence (up, 1 to 5). "
            "The table below has the same data."
        ),
        quadrant_svg,
        ticks,
        SIZE / 2,
        SIZE - 15,
        _("Interest"),
        SIZE / 2,
        SIZE / 2,
        _("Influence"),
        dots,
    )


def map_csv(points: list[MapPoint]) -> str:
    return csv_text(
        [
            ["name", "influence", "interest", "relationship health", "assessed on"],
            *([p.name, p.influence, p.interest, p.health, p.assessed_on] for p in points),
        ]
    )
