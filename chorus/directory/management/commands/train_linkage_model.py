from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from chorus.directory.linkage.engine import DEFAULT_MODEL_PATH, DIRECTORY_COLUMNS, train_model
from chorus.directory.linkage.synthetic import generate_people


class Command(BaseCommand):
    help = (
        "Retrain the duplicate-finding model that ships with Chorus, on a generated directory "
        "with known duplicates, and write it to chorus/directory/linkage/default_model.json."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--records", type=int, default=50_000, help="Size of the generated directory.")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, records: int, seed: int, **options: Any) -> None:
        people = generate_people(records, seed=seed)[list(DIRECTORY_COLUMNS)]
        model = train_model(people, seed=seed)
        DEFAULT_MODEL_PATH.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n")
        self.stdout.write(
            self.style.SUCCESS(f"Trained on {records:,} generated records; wrote {DEFAULT_MODEL_PATH}")
        )
