from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Retrain the sentiment heads that ship with Chorus, from the labelled NHS Friends and "
        "Family Test answers and review sentences in the given folder, and write them to "
        "chorus/analysis/data/sentiment_weights.json."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "data",
            type=Path,
            help=(
                "The folder (such as ../shared/data/feedback) holding nhs_patient_feedback_v6.csv "
                "and sentiment_labelled_sentences.csv."
            ),
        )
        parser.add_argument(
            "--modes", default="accurate,fast", help="The embedders to train a head for (default: both)."
        )

    def handle(self, *args: Any, data: Path, modes: str, **options: Any) -> None:
        from chorus.analysis.engine import embedder_for
        from chorus.analysis.engine import sentiment_training as training

        chosen = [m.strip() for m in modes.split(",") if m.strip()]
        if not chosen or set(chosen) - {"accurate", "fast"}:
            raise CommandError("--modes takes accurate, fast or both, separated by a comma.")
        try:
            weights = training.build(data, {mode: embedder_for(mode) for mode in chosen})
        except FileNotFoundError as error:
            raise CommandError(str(error)) from error
        written = training.write(weights)
        counts = next(iter(weights["heads"].values()))["trained_on"]
        summary = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Trained on {summary}; wrote {written}"))
