"""Demo staff accounts and teams, one account for each role."""

from __future__ import annotations

import random

from chorus.accounts.models import Role, Team, User
from chorus.core.registry import Scale, demo_builder, demo_sign_ins_provider

DEMO_PASSWORD = "chorus-demo-2026"  # noqa: S105  (local demo data only; printed for the user)

DEMO_TEAMS = [
    ("Family justice", "Family courts reform and the family user forums."),
    ("Civil and tribunals", "Civil claims, tribunals and the online money claims service."),
    ("Crime", "Criminal courts, witness services and jury engagement."),
    ("Digital services", "Service feedback for the digital services the public use."),
]

DEMO_ACCOUNTS = [
    ("admin@demo.chorus.test", "Aisha Administrator", Role.ADMINISTRATOR, []),
    (
        "officer@demo.chorus.test",
        "Owen Officer",
        Role.ENGAGEMENT_OFFICER,
        ["Family justice", "Digital services"],
    ),
    ("analyst@demo.chorus.test", "Ana Analyst", Role.ANALYST, ["Family justice", "Civil and tribunals"]),
    ("viewer@demo.chorus.test", "Vik Viewer", Role.VIEWER, ["Family justice"]),
    ("crime.officer@demo.chorus.test", "Carys Criminal-Justice", Role.ENGAGEMENT_OFFICER, ["Crime"]),
]


@demo_builder("accounts")
def build(scale: Scale, rng: random.Random) -> dict[str, int]:
    teams = {}
    for name, description in DEMO_TEAMS:
        teams[name], _ = Team.objects.get_or_create(name=name, defaults={"description": description})
    created = 0
    for email, full_name, role, team_names in DEMO_ACCOUNTS:
        if User.objects.filter(email=email).exists():
            continue
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name, role=role)
        user.teams.set([teams[name] for name in team_names])
        created += 1
    return {"teams": len(teams), "staff accounts": created}


@demo_sign_ins_provider
def demo_sign_ins() -> list[str]:
    """How to sign in as each demo account that exists, for `chorus serve` to print."""
    existing = set(
        User.objects.filter(email__in=[a[0] for a in DEMO_ACCOUNTS], is_active=True).values_list(
            "email", flat=True
        )
    )
    lines = []
    for email, _name, role, _teams in DEMO_ACCOUNTS:
        if email in existing:
            note = (
                " (sets up two-factor authentication at first sign-in)" if role == Role.ADMINISTRATOR else ""
            )
            lines.append(f"{role.label:<20} {email}  password: {DEMO_PASSWORD}{note}")
    return lines
