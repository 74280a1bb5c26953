"""The equality monitoring questions, following the ONS harmonised standards.

Every question is optional and offers "Prefer not to say". The values stored are the
keys below; the labels are translated. The same questions are asked on any
consultation, survey or service exit survey that turns monitoring on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as Lazy
else:
    from django.utils.functional import Promise as Lazy

PREFER_NOT = ("prefer_not", _("Prefer not to say"))


@dataclass(frozen=True)
class EqualityQuestion:
    name: str
    label: Lazy
    heading: Lazy
    choices: tuple[tuple[str, Lazy], ...]
    hint: Lazy | str = ""


QUESTIONS: tuple[EqualityQuestion, ...] = (
    EqualityQuestion(
        "age_band",
        _("What is your age?"),
        _("Age"),
        (
            ("under_16", _("Under 16")),
            ("16_24", _("16 to 24")),
            ("25_34", _("25 to 34")),
            ("35_44", _("35 to 44")),
            ("45_54", _("45 to 54")),
            ("55_64", _("55 to 64")),
            ("65_74", _("65 to 74")),
            ("75_over", _("75 or over")),
            PREFER_NOT,
        ),
    ),
    EqualityQuestion(
        "sex",
        _("What is your sex?"),
        _("Sex"),
        (("female", _("Female")), ("male", _("Male")), PREFER_NOT),
    ),
    EqualityQuestion(
        "gender_identity",
        _("Is the gender you identify with the same as your sex registered at birth?"),
        _("Gender identity"),
        (("yes", _("Yes")), ("no", _("No")), PREFER_NOT),
    ),
    EqualityQuestion(
        "ethnic_group",
        _("What is your ethnic group?"),
        _("Ethnic group"),
        (
            ("asian", _("Asian, Asian British or Asian Welsh")),
            ("black", _("Black, Black British, Black Welsh, Caribbean or African")),
            ("mixed", _("Mixed or multiple ethnic groups")),
            ("white", _("White")),
            ("other", _("Other ethnic group")),
            PREFER_NOT,
        ),
    ),
    EqualityQuestion(
        "religion",
        _("What is your religion?"),
        _("Religion"),
        (
            ("none", _("No religion")),
            ("christian", _("Christian")),
            ("buddhist", _("Buddhist")),
            ("hindu", _("Hindu")),
            ("jewish", _("Jewish")),
            ("muslim", _("Muslim")),
            ("sikh", _("Sikh")),
            ("other", _("Any other religion")),
            PREFER_NOT,
        ),
    ),
    EqualityQuestion(
        "disability",
        _(
            "Do you have any physical or mental health conditions or illnesses lasting or "
            "expected to last 12 months or more?"
        ),
        _("Disability"),
        (
            ("yes_a_lot", _("Yes, and they reduce my ability to carry out day-to-day activities a lot")),
            (
                "yes_a_little",
                _("Yes, and they reduce my ability to carry out day-to-day activities a little"),
            ),
            (
                "yes_not_at_all",
                _("Yes, but they do not reduce my ability to carry out day-to-day activities"),
            ),
            ("no", _("No")),
            PREFER_NOT,
        ),
    ),
    EqualityQuestion(
        "sexual_orientation",
        _("Which of the following best describes your sexual orientation?"),
        _("Sexual orientation"),
        (
            ("straight", _("Straight or heterosexual")),
            ("gay_lesbian", _("Gay or lesbian")),
            ("bisexual", _("Bisexual")),
            ("other", _("Other sexual orientation")),
            PREFER_NOT,
        ),
    ),
    EqualityQuestion(
        "marital_status",
        _("What is your legal marital or registered civil partnership status?"),
        _("Marital or civil partnership status"),
        (
            ("never", _("Never married and never registered a civil partnership")),
            ("married", _("Married")),
            ("civil_partnership", _("In a registered civil partnership")),
            ("separated", _("Separated, but still legally married or in a civil partnership")),
            ("divorced", _("Divorced or civil partnership dissolved")),
            ("widowed", _("Widowed or surviving civil partner")),
            PREFER_NOT,
        ),
    ),
    EqualityQuestion(
        "pregnancy",
        _("Are you pregnant, or have you given birth in the last 26 weeks?"),
        _("Pregnancy and maternity"),
        (("yes", _("Yes")), ("no", _("No")), PREFER_NOT),
    ),
    EqualityQuestion(
        "caring",
        _(
            "Do you look after, or give any help or support to, anyone because they have "
            "long-term physical or mental health conditions or illnesses, or problems "
            "related to old age?"
        ),
        _("Caring"),
        (
            ("no", _("No")),
            ("up_to_9", _("Yes, 9 hours a week or less")),
            ("10_19", _("Yes, 10 to 19 hours a week")),
            ("20_34", _("Yes, 20 to 34 hours a week")),
            ("35_49", _("Yes, 35 to 49 hours a week")),
            ("50_over", _("Yes, 50 or more hours a week")),
            PREFER_NOT,
        ),
        _("Exclude anything you do as part of your paid employment."),
    ),
)

NAMES = tuple(q.name for q in QUESTIONS)
