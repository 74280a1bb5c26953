from __future__ import annotations

import random
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from chorus.core.models import DemoDataset
from chorus.core.registry import SCALES, demo_builders_in_order


class Command(BaseCommand):
    help = (
        "Fill the database with realistic demo data. Safe to run again: each app's demo "
        "records are added once, and nothing you changed is touched. --scale large is "
        "sized for benchmarks (about 100,000 people and 1,000,000 consultation responses)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small", help="How much data to make.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed, for repeatable data.")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Allow demo data outside local mode (never on a live service).",
        )

    def handle(self, *args: Any, scale: str, seed: int, allow_production: bool, **options: Any) -> None:
        if not settings.LOCAL and not allow_production:
            raise CommandError(
                "Demo data is for local mode. Set CHORUS_MODE=local, or pass --allow-production "
                "if this really is a test copy of a production set-up."
            )
        chosen = SCALES[scale]
        done = dict(DemoDataset.objects.values_list("builder", "scale"))
        for builder in demo_builders_in_order():
            if builder.name in done:
                self.stdout.write(
                    f"  {builder.name}: already there ({done[builder.name]} scale), left as it is"
                )
                continue
            rng = random.Random(f"{seed}:{builder.name}")  # noqa: S311  (repeatable demo data, not secrets)
            with transaction.atomic():
                summary = builder.build(chosen, rng)
                DemoDataset.objects.create(builder=builder.name, scale=scale, summary=summary)
            counts = ", ".join(f"{value:,} {key}" for key, value in summary.items())
            self.stdout.write(self.style.SUCCESS(f"  {builder.name}: added {counts}"))
