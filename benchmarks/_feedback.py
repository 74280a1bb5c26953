"""The labelled feedback data in ../shared/data/feedback (see its README), read for benchmarks."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from chorus.analysis.engine.pipeline import is_non_answer

NHS_FILE = "nhs_patient_feedback_v6.csv"


@dataclass
class Row:
    text: str
    themes: list[str]  # human labels, "Not assigned" left out
    sentiment: str | None  # positive, neutral or negative; None where not labelled
    trust: str


def nhs(folder: Path) -> list[Row]:
    path = folder / NHS_FILE
    if not path.exists():
        raise SystemExit(f"{path} is missing: pass --data with the folder that holds {NHS_FILE}.")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        theme_columns = fields[fields.index("Comment sentiment") + 1 :]
        rows = []
        for record in reader:
            score = (record.get("Comment sentiment") or "").strip()
            sentiment = None
            if score:
                value = int(float(score))
                sentiment = "positive" if value <= 2 else "neutral" if value == 3 else "negative"
            themes = [
                c
                for c in theme_columns
                if c != "Not assigned" and (record.get(c) or "").strip() in ("1", "1.0")
            ]
            rows.append(
                Row(
                    text=(record.get("FFT answer") or "").strip(),
                    themes=themes,
                    sentiment=sentiment,
                    trust=record.get("Trust", ""),
                )
            )
    return rows


def nhs_single(rows: list[Row], *, answers_only: bool) -> list[Row]:
    """Rows with exactly one theme and at least three words: the issue's 4,522 rows.

    ``answers_only`` also drops non-answers ("Did not answer", "Nothing"), as the data's
    README asks when scoring theme discovery."""
    out = [r for r in rows if len(r.themes) == 1 and len(r.text.split()) >= 3]
    if answers_only:
        out = [r for r in out if not is_non_answer(r.text)]
    return out


def banking77(folder: Path, part: str = "test") -> tuple[list[str], list[str]]:
    path = folder / f"banking77_{part}.csv"
    if not path.exists():
        raise SystemExit(f"{path} is missing: pass --data with the folder that holds it.")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], [r["category"] for r in rows]
