"""``chorus analyse FILE.csv --text-column COLUMN``: the analysis engine on a spreadsheet.

No server, no database and no network: read the responses from a CSV file, analyse them
with the same engine as the web app, and write ``themes.csv`` and ``assignments.csv``
(and a short ``summary.txt``) to the output folder. Personal data is redacted in
everything written.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from chorus.analysis.engine.framework import CodedTheme
from chorus.core.downloads import safe_csv_writer

USAGE_EXAMPLE = """examples:
  chorus analyse responses.csv --text-column "Why?"
  chorus analyse responses.csv --text-column answer --id-column ref --out results/
  chorus analyse responses.csv --text-column answer --framework codes.csv
  chorus analyse responses.csv --text-column answer --sentiment-training labelled.csv

A framework file is a CSV with a "theme" column and optional "description" and
"example" columns, one row per example response (repeat the theme name on each).

A sentiment training file is a CSV with "text" and "sentiment" columns (positive,
neutral or negative), at least 20 of each: Chorus fine-tunes its own copy of the
language model on them first (a few minutes), then scores sentiment with it.
"""


class InputError(Exception):
    """Something about the input the user can fix; the message says what and how."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chorus analyse",
        description="Find themes, sentiment, campaigns and personal data in free-text responses.",
        epilog=USAGE_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, help="a CSV file with a header row")
    parser.add_argument("--text-column", required=True, help="the column that holds the responses")
    parser.add_argument("--id-column", help="a column that identifies each row (default: the row number)")
    parser.add_argument(
        "--stance-column", help="a closed answer paired with the text, such as Agree/Disagree"
    )
    parser.add_argument("--framework", type=Path, help="code to this framework instead of finding themes")
    parser.add_argument("--mode", choices=("fast", "accurate"), default="fast", help="default: fast")
    parser.add_argument(
        "--sentiment-training",
        type=Path,
        help="labelled comments (text, sentiment) to fine-tune sentiment on first",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("analysis-output"), help="default: ./analysis-output"
    )
    parser.add_argument("--encoding", default="utf-8-sig", help="the file's text encoding (default: utf-8)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _read(path: Path, encoding: str) -> tuple[list[str], list[dict[str, str]]]:
    if not path.exists():
        raise InputError(f"{path} does not exist. Check the path and try again.")
    if path.is_dir():
        raise InputError(f"{path} is a folder. Give the path of a CSV file.")
    try:
        with path.open(newline="", encoding=encoding) as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            columns = list(reader.fieldnames or [])
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path} is not {encoding} text (byte {error.start} cannot be read). Save it as CSV UTF-8, "
            "or give its encoding with --encoding, such as --encoding cp1252."
        ) from error
    except csv.Error as error:
        raise InputError(f"{path} is not a readable CSV file: {error}.") from error
    if not columns:
        raise InputError(f"{path} is empty. It needs a header row and one row per response.")
    return columns, rows


def _column(columns: Sequence[str], wanted: str | None, option: str) -> str | None:
    if wanted is None:
        return None
    if wanted in columns:
        return wanted
    folded = {c.strip().lower(): c for c in columns}
    if wanted.strip().lower() in folded:
        return folded[wanted.strip().lower()]
    listed = ", ".join(f'"{c}"' for c in columns)
    raise InputError(f'There is no column "{wanted}" for {option}. The columns are: {listed}.')


def read_framework(path: Path, encoding: str) -> list[CodedTheme]:
    from chorus.analysis.engine.framework import FrameworkError, check

    columns, rows = _read(path, encoding)
    theme_column = _column(columns, "theme", "the framework's theme names (--framework)")
    assert theme_column is not None  # noqa: S101 (_column raises rather than return None here)
    description_column = next((c for c in columns if c.strip().lower() == "description"), None)
    example_column = next((c for c in columns if c.strip().lower() == "example"), None)
    themes: dict[str, CodedTheme] = {}
    for number, row in enumerate(rows, start=2):
        name = (row.get(theme_column) or "").strip()
        if not name:
            raise InputError(f"{path}, line {number}: the theme name is empty. Give every row a theme name.")
        theme = themes.setdefault(name.lower(), CodedTheme(name=name))
        description = (row.get(description_column) or "").strip() if description_column else ""
        if description and not theme.description:
            theme.description = description
        example = (row.get(example_column) or "").strip() if example_column else ""
        if example:
            theme.examples.append(example)
    coded = list(themes.values())
    try:
        check(coded)
    except FrameworkError as error:
        raise InputError(f"{path}: {error}") from error
    return coded


def read_sentiment_training(path: Path, encoding: str) -> list[tuple[str, str]]:
    from chorus.analysis.engine.tuning import TuningError, check

    columns, rows = _read(path, encoding)
    text_column = _column(columns, "text", "the labelled comments (--sentiment-training)")
    label_column = _column(columns, "sentiment", "the sentiment labels (--sentiment-training)")
    assert text_column is not None and label_column is not None  # noqa: S101 (_column raises instead)
    examples = []
    for number, row in enumerate(rows, start=2):
        text = (row.get(text_column) or "").strip()
        label = (row.get(label_column) or "").strip().lower()
        if text and label not in ("positive", "neutral", "negative"):
            raise InputError(
                f'{path}, line {number}: the sentiment "{label}" is not positive, neutral or negative.'
            )
        if text:
            examples.append((text, label))
    try:
        check(examples)
    except TuningError as error:
        raise InputError(f"{path}: {error}") from error
    return examples


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    """Write next to the target and then rename, so a failure leaves no half-written file."""
    with tempfile.NamedTemporaryFile(
        "w", newline="", encoding="utf-8", dir=path.parent, delete=False, suffix=".partial"
    ) as handle:
        # Opened in spreadsheets and holding what the public wrote: the core's safe writer.
        writer = safe_csv_writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    Path(handle.name).replace(path)


def run(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    try:
        return _run(args)
    except InputError as error:
        print(f"chorus analyse: {error}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    columns, rows = _read(args.file, args.encoding)
    text_column = _column(columns, args.text_column, "--text-column")
    id_column = _column(columns, args.id_column, "--id-column")
    stance_column = _column(columns, args.stance_column, "--stance-column")
    assert text_column is not None  # noqa: S101 (required option)
    texts = [(row.get(text_column) or "").strip() for row in rows]
    if not any(texts):
        raise InputError(f'The column "{text_column}" has no text in any of its {len(rows)} rows.')
    framework = read_framework(args.framework, args.encoding) if args.framework else None
    training = (
        read_sentiment_training(args.sentiment_training, args.encoding) if args.sentiment_training else None
    )
    if args.out.exists() and not args.out.is_dir():
        raise InputError(f"{args.out} is a file. Give --out a folder (it is created if missing).")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"Cannot create the folder {args.out}: {error.strerror}.") from error

    from tqdm import tqdm

    from chorus.analysis.engine import analyse, embedder_for

    bar = tqdm(total=100, unit="%", disable=args.quiet, bar_format="{desc:<42}{bar}| {n:.0f}%")

    def progress(stage: str, fraction: float) -> None:
        bar.set_description_str(stage)
        bar.update(max(0.0, fraction * 100 - bar.n))

    tuned = None
    if training:
        from chorus.analysis.engine.tuning import tune_sentiment

        tuned = tune_sentiment(
            training,
            progress=lambda f: (bar.set_description_str("Learning sentiment from your examples"), None)[1],
        )
    progress("Loading the language model", 0.0)
    result = analyse(
        texts,
        embedder=embedder_for(args.mode),
        framework=framework,
        stances=[(row.get(stance_column) or "").strip() or None for row in rows] if stance_column else None,
        tuned_sentiment=tuned,
        tune_framework=args.mode == "accurate",
        progress=progress,
    )
    bar.close()
    labels = {t.key: t.label for t in result.themes}
    theme_rows: list[list[object]] = []
    for theme in result.themes:
        mix = theme.sentiment
        theme_rows.append(
            [
                theme.key,
                theme.level,
                labels.get(theme.parent, "") if theme.parent else "",
                theme.label,
                theme.description,
                "; ".join(theme.keyphrases),
                theme.size,
                theme.counted,
                f"{theme.share:.4f}",
                mix.get("positive", 0),
                mix.get("neutral", 0),
                mix.get("negative", 0),
                "; ".join(f"{k}: {v}" for k, v in sorted(theme.stance.items())),
                " | ".join(result.items[q].redacted for q in theme.quotes),
            ]
        )
    _write(
        args.out / "themes.csv",
        [
            "key",
            "level",
            "broad theme",
            "label",
            "description",
            "keyphrases",
            "responses",
            "counted (campaigns once)",
            "share",
            "positive",
            "neutral",
            "negative",
            "stance",
            "quotes (redacted)",
        ],
        theme_rows,
    )
    assignment_rows: list[list[object]] = []
    for number, (row, item) in enumerate(zip(rows, result.items, strict=True), start=1):
        assignment_rows.append(
            [
                (row.get(id_column) or "") if id_column else number,
                "; ".join(labels[k] for k, _ in item.themes),
                "; ".join(f"{c:.2f}" for _, c in item.themes),
                item.sentiment,
                f"{item.sentiment_score:.2f}",
                "; ".join(item.personal_data),
                "" if item.campaign is None else item.campaign + 1,
                "" if item.campaign is None else len(result.campaigns[item.campaign]),
                item.redacted,
            ]
        )
    _write(
        args.out / "assignments.csv",
        [
            id_column or "row",
            "themes",
            "confidence",
            "sentiment",
            "sentiment confidence",
            "personal data found",
            "copy group",
            "copy group size",
            "text (redacted)",
        ],
        assignment_rows,
    )
    fine = [t for t in result.fine if t.size]
    summary = [
        f"{len(texts)} responses from {args.file}, {args.mode} mode.",
        f"{len(fine)} themes ({len(result.broad)} broad); "
        f"{result.outlier_share:.1%} of responses in no theme.",
        f"Groups of identical or near-identical responses: {len(result.campaigns)} "
        f"(holding {sum(len(g) for g in result.campaigns)} responses).",
        f"Personal data found in {sum(1 for i in result.items if i.personal_data)} of the responses "
        "(redacted in the files).",
        "",
        *[f"{t.share:6.1%}  {t.label}" for t in sorted(fine, key=lambda t: -t.share)],
    ]
    (args.out / "summary.txt").write_text("\n".join(summary) + "\n", encoding="utf-8")
    print("\n".join(summary[:4]))
    print(f"Wrote {args.out / 'themes.csv'}, {args.out / 'assignments.csv'} and {args.out / 'summary.txt'}.")
    return 0
