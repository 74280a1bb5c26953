from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

import pandas as pd
from django.core.management.base import BaseCommand

from chorus.directory.linkage.engine import (
    DEFAULT_MODEL_PATH,
    DIRECTORY_COLUMNS,
    calibration_fit,
    default_model,
    labelled_pairs,
    train_model,
)
from chorus.directory.linkage.synthetic import calibration_directories, generate_people


class Command(BaseCommand):
    help = (
        "Retrain the duplicate-finding model that ships with Chorus, on a generated directory "
        "with known duplicates, and write it to chorus/directory/linkage/default_model.json."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--records", type=int, default=50_000, help="Size of the generated directory.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--calibrate-only",
            action="store_true",
            help="Keep the shipped model's weights; fit only the curve that turns them into probabilities.",
        )

    def handle(self, *args: Any, records: int, seed: int, calibrate_only: bool, **options: Any) -> None:
        if calibrate_only:
            model = default_model()
        else:
            people = generate_people(records, seed=seed)[list(DIRECTORY_COLUMNS)]
            model = train_model(people, seed=seed)
        model["calibration"] = calibration_fit_generated(model, seed=seed)
        DEFAULT_MODEL_PATH.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n")
        calibration = model["calibration"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Calibrated on {calibration['pairs']:,} labelled pairs; wrote {DEFAULT_MODEL_PATH}"
            )
        )


def calibration_fit_generated(model: dict[str, Any], *, seed: int) -> dict[str, Any]:
    pairs = pd.concat(
        [labelled_pairs(model, people) for people in calibration_directories(seed, DIRECTORY_COLUMNS)],
        ignore_index=True,
    )
    return calibration_fit(pairs, pairs["same"])
