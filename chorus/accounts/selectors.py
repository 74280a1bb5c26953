"""Reads about staff users and teams that more than one app needs."""

from __future__ import annotations

from django.db.models import QuerySet

from chorus.accounts.models import Team, User


def teams_assignable_by(user: User) -> QuerySet[Team]:
    """The teams ``user`` may restrict a record to, or filter by: every team for an
    administrator, otherwise only the user's own.

    Every form and filter that offers teams takes its choices from here, so an officer can
    never give a record to (and so hide it from themselves in) a team they are not in.
    """
    if not user.is_active:
        return Team.objects.none()
    teams = Team.objects.all() if user.is_administrator else user.teams.all()
    return teams.order_by("name")
