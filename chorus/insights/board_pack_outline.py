"""The board pack as text in the active language: sections of captioned tables, the same
for the page, the PDF and the Word document, so the three never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext, ngettext

from chorus.core.dates import long_date
from chorus.insights.board_pack import ConsultationLine, Figure, Pack, Table, Text


def figure_text(figure: Figure, value: int | None, below: int) -> str:
    """A figure as a reader sees it: "1,234", "56%", or "fewer than 10"."""
    if value is None:
        if figure.percent:
            return gettext("not shown: too few answers")
        return gettext("fewer than %(below)s") % {"below": below}
    return f"{value:,}%" if figure.percent else f"{value:,}"


def change_text(figure: Figure) -> str:
    change = figure.change
    if change is None:
        return "\N{EN DASH}"
    text = ("+" if change > 0 else "") + f"{change:,}"
    if figure.percent:
        return gettext("%(change)s percentage points") % {"change": text}
    return text


Cell = str | Text


@dataclass
class OutlineTable:
    """A table as every format shows it: a caption, a header row, rows of text, the columns
    that hold numbers (aligned right), and what to say when there are no rows."""

    caption: str
    header: list[str]
    rows: list[list[Cell]]
    numeric: tuple[int, ...] = ()
    empty: str = ""
    more: str = ""  # "and 12 more", when the list stops short
    # For a PDF bar chart drawn after the table: the figures it shows, and the key.
    chart: Table | None = None
    widths: tuple[int, ...] = ()  # of the columns in a PDF, in millimetres, where not the usual


@dataclass
class OutlineSection:
    key: str
    title: str
    intro: str
    tables: list[OutlineTable]


def day_text(value: date | datetime) -> str:
    return long_date(value)


def _figures_table(table: Table, below: int, caption: str = "", chart: bool = False) -> OutlineTable:
    return OutlineTable(
        caption=caption or str(table.title),
        header=[gettext("Measure"), str(table.columns[0]), str(table.columns[1]), gettext("Change")],
        rows=[
            [
                str(f.label),
                figure_text(f, f.current, below),
                figure_text(f, f.previous, below),
                change_text(f),
            ]
            for f in table.figures
        ],
        numeric=(1, 2, 3),
        empty=gettext("None in either period."),
        chart=table if chart else None,
    )


def _more(listed: int, total: int) -> str:
    if total <= listed:
        return ""
    return ngettext("and %(n)s more, not listed", "and %(n)s more, not listed", total - listed) % {
        "n": f"{total - listed:,}"
    }


def pack_outline(pack: Pack) -> list[OutlineSection]:
    """The pack's sections in the active language, in the order every format shows them."""
    below = pack.below
    none = gettext("None in the period.")
    consultation_header = [
        gettext("Consultation or survey"),
        gettext("Opens"),
        gettext("Closes"),
        gettext("Responses"),
        gettext("Outcome"),
    ]

    def consultation_rows(lines: list[ConsultationLine]) -> list[list[Cell]]:
        return [
            [
                c.title,
                day_text(c.opens_at),
                day_text(c.closes_at),
                gettext("fewer than %(below)s") % {"below": below}
                if c.responses is None
                else f"{c.responses:,}",
                str(c.outcome),
            ]
            for c in lines
        ]

    return [
        OutlineSection(
            "engagement",
            gettext("Engagement reach"),
            gettext(
                "People from the directory who came to activities in the period, how many of them "
                "took part for the first time, and the activities held."
            ),
            [
                _figures_table(pack.engagement, below),
                _figures_table(pack.activity_types, below),
            ],
        ),
        OutlineSection(
            "equity",
            gettext("Equity of reach"),
            " ".join(
                [
                    gettext(
                        "Groups whose share of the people who took part differs from their share of "
                        "the population by more than chance would explain, by where people live and "
                        "whether they prefer Welsh. Equality monitoring answers are not used here."
                    ),
                    *pack.equity_missing,
                ]
            ),
            [
                OutlineTable(
                    gettext("Groups that stand out"),
                    [
                        gettext("Measure"),
                        gettext("Group"),
                        gettext("This period"),
                        gettext("Previous period"),
                    ],
                    [[e.dimension, e.group, str(e.now), str(e.before)] for e in pack.equity],
                    empty=gettext("No group stands out in either period."),
                    widths=(45, 55, 40, 40),
                )
            ],
        ),
        OutlineSection(
            "checkpoints",
            gettext("Checkpoint compliance"),
            gettext(
                "Checkpoints due in the period: met when people of the stakeholder group took part "
                "in the project by the due date, waived with a reason, or missed."
            ),
            [
                _figures_table(pack.checkpoints, below),
                OutlineTable(
                    gettext("Checkpoints missed in the period"),
                    [gettext("Project"), gettext("Stakeholder group"), gettext("Due by")],
                    [[c.project, c.group, day_text(c.due_on)] for c in pack.checkpoints_missed],
                    empty=none,
                ),
            ],
        ),
        OutlineSection(
            "consultations",
            gettext("Consultations and surveys"),
            gettext(
                "Published consultations and surveys that opened or closed in the period, with "
                "their responses and whether a “you said, we did” record of the outcome is published."
            ),
            [
                _figures_table(pack.consultations, below),
                OutlineTable(
                    gettext("Opened in the period"),
                    consultation_header,
                    consultation_rows(pack.consultations_opened),
                    numeric=(3,),
                    empty=none,
                ),
                OutlineTable(
                    gettext("Closed in the period"),
                    consultation_header,
                    consultation_rows(pack.consultations_closed),
                    numeric=(3,),
                    empty=none,
                ),
            ],
        ),
        OutlineSection(
            "commitments",
            gettext("Commitments"),
            gettext(
                "Commitments by status at the start and end of the period, those made and done in "
                "it, and each one whose status changed."
            ),
            [
                _figures_table(pack.commitment_status, below, chart=True),
                _figures_table(pack.commitment_movement, below),
                OutlineTable(
                    gettext("Commitments whose status changed in the period"),
                    [gettext("Commitment"), gettext("Was"), gettext("Now"), gettext("Due by")],
                    [
                        [
                            c.title,
                            str(c.was),
                            str(c.now),
                            day_text(c.due_on) if c.due_on else gettext("No date"),
                        ]
                        for c in pack.commitments_changed
                    ],
                    empty=none,
                    more=_more(len(pack.commitments_changed), pack.commitments_changed_count),
                ),
            ],
        ),
        OutlineSection(
            "sharebacks",
            gettext("“You said, we did”"),
            gettext("What people told us, what we did about it, and how we told them."),
            [
                _figures_table(pack.sharebacks, below),
                OutlineTable(
                    gettext("Shared back in the period"),
                    [
                        gettext("Project"),
                        gettext("You said"),
                        gettext("We did"),
                        gettext("Shared back on"),
                        gettext("How"),
                    ],
                    [[s.project, s.you_said, s.we_did, day_text(s.shared_on), s.how] for s in pack.shared],
                    empty=none,
                ),
            ],
        ),
        OutlineSection(
            "feedback",
            gettext("Service feedback"),
            gettext("Feedback on our digital services and answers to their exit surveys."),
            [_figures_table(pack.feedback, below)],
        ),
    ]


def pack_notes(pack: Pack) -> list[str]:
    """What a reader needs to know to read the figures."""
    return [
        gettext("Each figure is shown beside the same figure for %(start)s to %(end)s.")
        % {"start": day_text(pack.previous_start), "end": day_text(pack.previous_end)},
        gettext(
            "To protect people's privacy, counts of people below %(below)s are shown as "
            "“fewer than %(below)s”, and shares are left out where fewer than %(below)s people answered."
        )
        % {"below": pack.below},
        gettext(
            "A commitment's status on a day is the one its latest update by then recorded; one "
            "not updated since it was made counts at the status it was made with."
        ),
    ]


def pack_title() -> str:
    return gettext("Board pack")


def pack_period(pack: Pack) -> str:
    return gettext("%(start)s to %(end)s") % {"start": day_text(pack.start), "end": day_text(pack.end)}
