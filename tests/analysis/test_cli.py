"""`chorus analyse FILE.csv`: the engine from the command line, with no server or database."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chorus.cli import main
from tests.analysis.corpus import corpus


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def responses(tmp_path: Path) -> Path:
    texts, _ = corpus(per_topic=20)
    texts.append("Please call me on 07700 900123 about the hearing, I waited 3 hours")
    return _write_csv(
        tmp_path / "responses.csv", ["ref", "Why?"], [[f"R{i:03}", t] for i, t in enumerate(texts, start=1)]
    )


def test_it_writes_themes_and_assignments_for_every_row(responses: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    code = main(
        [
            "analyse",
            str(responses),
            "--text-column",
            "why?",
            "--id-column",
            "ref",
            "--out",
            str(out),
            "--quiet",
        ]
    )

    assert code == 0
    assignments = _read(out / "assignments.csv")
    assert [a["ref"] for a in assignments] == [f"R{i:03}" for i in range(1, 62)]
    assert all(a["sentiment"] in ("positive", "neutral", "negative") for a in assignments)
    assert sum(1 for a in assignments if a["themes"]) >= 55
    flagged = assignments[-1]
    assert flagged["personal data found"] == "phone"
    assert "07700" not in flagged["text (redacted)"] and "[phone]" in flagged["text (redacted)"]
    themes = _read(out / "themes.csv")
    fine = [t for t in themes if t["level"] == "fine"]
    assert 3 <= len(fine) <= 12
    mentions = sum(len(a["themes"].split("; ")) for a in assignments if a["themes"])
    assert sum(int(t["responses"]) for t in fine) == mentions
    assert all(t["label"] and t["quotes (redacted)"] for t in fine)
    assert "61 responses" in capsys.readouterr().out
    assert (out / "summary.txt").read_text().startswith("61 responses")


def test_a_framework_file_codes_to_its_themes(responses: Path, tmp_path: Path) -> None:
    framework = _write_csv(
        tmp_path / "codes.csv",
        ["theme", "description", "example"],
        [
            ["Delays", "Waiting for the hearing", "The hearing was hours late"],
            ["Delays", "", "We waited all day for our case"],
            ["Phone line", "Getting through on the phone", "Nobody answers the helpline"],
            ["Staff", "How staff treated people", "The usher was kind and helpful"],
        ],
    )
    out = tmp_path / "coded"
    assert (
        main(
            [
                "analyse",
                str(responses),
                "--text-column",
                "Why?",
                "--framework",
                str(framework),
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )

    labels = {row["label"] for row in _read(out / "themes.csv")}
    assert labels == {"Delays", "Phone line", "Staff"}
    coded = _read(out / "assignments.csv")
    waiting = [row for row in coded if "hours late" in row["text (redacted)"]]
    assert waiting and all(row["themes"].startswith("Delays") for row in waiting)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--text-column", "Answer"],
            'There is no column "Answer" for --text-column. The columns are: "ref", "Why?".',
        ),
        (["--text-column", "Why?", "--id-column", "id"], 'There is no column "id" for --id-column.'),
        (["--text-column", "ref", "--framework", "missing.csv"], "missing.csv does not exist."),
    ],
)
def test_bad_input_says_what_is_wrong_and_writes_nothing(
    responses: Path, tmp_path: Path, capsys, arguments: list[str], message: str
) -> None:
    out = tmp_path / "never"
    assert main(["analyse", str(responses), *arguments, "--out", str(out), "--quiet"]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_unreadable_and_empty_files_are_explained(tmp_path: Path, capsys) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("text\ncaf\xe9 was closed\n".encode("latin-1"))
    assert main(["analyse", str(latin), "--text-column", "text", "--quiet"]) == 2
    assert "--encoding cp1252" in capsys.readouterr().err

    blank = _write_csv(tmp_path / "blank.csv", ["text"], [[""], ["  "]])
    assert main(["analyse", str(blank), "--text-column", "text", "--quiet"]) == 2
    assert 'The column "text" has no text in any of its 2 rows.' in capsys.readouterr().err

    bad_framework = _write_csv(tmp_path / "one.csv", ["theme", "example"], [["Only one", "an example"]])
    assert (
        main(
            [
                "analyse",
                str(latin),
                "--text-column",
                "text",
                "--encoding",
                "latin-1",
                "--framework",
                str(bad_framework),
                "--quiet",
            ]
        )
        == 2
    )
    assert "A coding framework needs at least two themes." in capsys.readouterr().err
