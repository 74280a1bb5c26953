"""Passages a moderator should look at before a response is published (issue #20).

Finds contact details (emails, phone numbers, postcodes, National Insurance numbers),
people's names, street addresses, case and reference numbers, and the sentences that
say something about a special category of personal data: health, religion, sexual
life, ethnicity, crime, or details about someone other than the writer.

This is the one home of the patterns: ``chorus.core.redact`` and the analysis engine's
``pii`` module import them from here. Plain Python, no Django, so the engine can too.

Names come from a list of common given names (``data/given_names.txt``, see
``data/README.md``), from titles ("Dr Patel"), from cues ("my son Jack", "a nurse called
Tia") and from the directory's names, which the caller passes as ``known_names``.
Special categories need both a word from a curated lexicon and a cue that ties it to a
person ("I have", "my", "as a", "my daughter's", "he was"), so "support for disabled
people" is not flagged but "I am disabled" is. The passage is the sentence, or the
clause of a long sentence; contact details and names inside it are cut out as their
own passages, so passages never overlap.

Reasons are English; they are marked for translation with ``gettext_noop``, so a page
shows ``gettext(passage.reason)``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from chorus.core import sensitive_words as wordlists
from chorus.core.sensitive_words import (
    given_names,
    surnames,
)

KINDS = (
    "email",
    "phone",
    "postcode",
    "ni_number",
    "name",
    "address",
    "reference",
    "health",
    "religion",
    "sexual_life",
    "ethnicity",
    "criminal",
    "third_party",
)
SPECIAL_KINDS = ("health", "religion", "sexual_life", "ethnicity", "criminal", "third_party")


def gettext_noop(message: str) -> str:
    """Mark a reason for the translation catalogue without importing Django."""
    return message


# --- Contact details and numbers: shared with chorus.core.redact and the engine's pii.

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Any two letters: people copy HMRC's example prefix (QQ), which is never issued.
NI_NUMBER = re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.IGNORECASE)
POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s*\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)
PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)(?:\d(?:\)\s?|[\s-])?){9,10}(?!\w)")

_REFERENCE_CUES = (
    r"case|claim|reference|ref|account|application|appeal|customer|crime|order|ticket|booking|"
    r"policy|member(?:ship)?|patient|hospital|tracking|invoice|complaint|enquiry|incident|"
    r"tenancy|licence|permit|passport|claimant|council\s+tax|job|log|file|report|record|request|"
    r"reservation|loan|contract|agreement|notice|penalty|pcn|fine|warrant|hmcts|court|tribunal|"
    r"tax|benefit|bill|meter|tracking|parcel|delivery|receipt|transaction|payment|confirmation"
)
# The number after a cue word is group 1: "case number KB-2024-000123", "my ref is 55-7781".
REFERENCE_CUED = re.compile(
    rf"\b(?:{_REFERENCE_CUES})\s*(?:no\.?|number|num|#|id|ref(?:erence)?)?\s*(?:is\s+|was\s+)?[:.(]?\s*"
    r"([A-Z0-9][A-Z0-9/-]{4,}\d[A-Z0-9/-]*)",
    re.IGNORECASE,
)
# An NHS number, written with spaces: "NHS number 943 476 5919".
REFERENCE_NHS = re.compile(
    r"\bNHS\s*(?:no\.?|number|num)?\s*(?:is\s+|was\s+)?[:.]?\s*(\d{3}[\s-]?\d{3}[\s-]?\d{4})\b", re.IGNORECASE
)
# A number after a word that says it is one ("number", "no.", "ref", "ID", "#"), whatever
# came before: "I was given the number 48213377", "my patient number is 943 476 5919",
# "job ref: 2231-77". Five digits or more, or four with a letter; spaced groups of
# three or more digits ("4418 2291", the NHS's 3-3-4) count as one number.
REFERENCE_NUMBERED = re.compile(
    r"(?:\b(?:number|no\.|num|nos?|ref(?:erence)?|id|code)|#)\s*(?:is\s+|was\s+|of\s+)?[:.(,]?\s*"
    r"(\d{3,5}(?:[ -]\d{3,5}){1,3}(?![\d,.]\d)|\d{2}(?:[ -]\d{3}){2,3}(?![\d,.]\d)"
    r"|(?-i:(?=(?:[A-Z/-]*\d){5}|(?=[A-Z0-9/-]*[A-WYZ])(?=[A-Z0-9/-]{6})(?:[A-Z/-]*\d){4})"
    r"[A-Z0-9][A-Z0-9/-]{3,}))(?![\w£$%])",
    re.IGNORECASE,
)
# Ten digits in the NHS's 3-3-4 grouping shortly after "NHS", "patient" or "hospital",
# even where it could be read as a phone number: "my patient no. is 085 777 3456".
REFERENCE_334 = re.compile(
    r"\b(?:nhs|patient|hospital)\b[^!?\n\d]{0,30}?\b(\d{3}[ -]\d{3}[ -]\d{4})\b", re.IGNORECASE
)
# A long bare number, whatever is around it: "Quoting 202393348", "log number, 4752517933,".
# Eight digits or more (money has a symbol or commas; phone numbers are found first), or
# digit groups split by slashes with a long middle ("31/409490/24"; a date's middle is short).
REFERENCE_LONG = re.compile(r"(?<![\w£$€.,/-])(?:\d{8,}|\d{1,4}/\d{4,}/\d{1,4})(?![\w%/-]|[.,]\d)")
# Digits in groups with nine or more in all, optionally after a short capital prefix, or
# a long code of capitals and digits: "4821 0736 519", "204-7718263-5509124",
# "PCN 8834 1029 55", "6017392/2025", "K1QZ5J2R". (Phone numbers are found first.)
REFERENCE_GROUPED = re.compile(
    r"(?<![\w\u00a3$\u20ac.,/-])(?:(?-i:[A-Z]{1,4})\s)?\d{2,8}(?:(?:[ -]|/)\d{1,8}){1,3}(?![\w%/-]|[.,]\d)"
    r"|\b(?-i:(?=[A-Z0-9]{7,12}\b)(?=(?:[A-Z]*\d){3})(?=(?:\d*[A-Z]){2})[A-Z0-9]+)\b"
)
_GROUPED_LEAST_DIGITS = 9
_DATE_DIGITS = re.compile(
    r"\d{1,2}[ /.-]\d{1,2}[ /.-](?:19|20)\d{2}|(?:19|20)\d{2}[ /.-]\d{1,2}[ /.-]\d{1,2}"
)


def _grouped_reference(match: re.Match[str]) -> bool:
    digits = sum(c.isdigit() for c in match.group())
    letters = match.group()[:1].isalpha()
    if " " not in match.group() and "-" not in match.group() and "/" not in match.group():
        return True  # a code of capitals and digits
    groups = len(re.findall(r"\d+", match.group()))
    if _DATE_DIGITS.fullmatch(match.group()):
        return False  # "12 03 2024", "12/03/2024"
    # Three groups or more are a reference from eight digits: "24 013 872".
    return digits >= (7 if letters else 8 if groups >= 3 else _GROUPED_LEAST_DIGITS)


# A number some words after a word that says it is one: "the crime number the police gave
# me was 5394 9590", "quoting 4462 0452".
REFERENCE_LATE = re.compile(
    r"\b(?:(?:number|no\.|ref(?:erence)?|id)\b[^.!?\n\d]{0,40}?\b(?:is|was|were)|quoting|quote)"
    r"\s*[:,]?\s*(\d{3,5}(?:[ -]\d{3,5}){1,3}|\d{6,})(?![\w%£$]|[.,]\d)",
    re.IGNORECASE,
)
# Letters and digits mixed, with at least four digits: 1AB23456, KB-2024-000123.
# Masked text ("XX/XX/2019") is not a reference: a letter other than X is needed.
REFERENCE_MIXED = re.compile(r"\b(?=[A-Z0-9/-]*[A-WYZ])(?=(?:[A-Z/-]*\d){4})[A-Z0-9]+(?:[/-][A-Z0-9]+)*\b")

TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Doctor", "Judge", "Sir", "Dame")
TITLED_NAME = re.compile(
    r"\b(?:" + "|".join(TITLES) + r")\.?\s+[A-Z][a-z'\u2019-]+(?:\s+[A-Z][a-z'\u2019-]+)?"
)


@dataclass(frozen=True)
class Passage:
    kind: str  # one of KINDS
    start: int  # character offsets into the text
    end: int
    text: str
    reason: str  # short English explanation for the moderator
    # Found only by the sentence classifier, not by a word list and a cue. On real
    # comments most such flags are wrong (benchmarks/moderation_real.py), so a page shows
    # them apart, as possible, for the moderator to read rather than to redact on sight.
    possible: bool = False


POSSIBLE = "possible_"  # prefix of a classifier's reason key: "possible_health"

REASONS = {
    "email": gettext_noop("Looks like an email address"),
    "phone": gettext_noop("Looks like a phone number"),
    "postcode": gettext_noop("Looks like a postcode"),
    "ni_number": gettext_noop("Looks like a National Insurance number"),
    "name": gettext_noop("Looks like a person's name"),
    "known_name": gettext_noop("Matches a name in the directory"),
    "address": gettext_noop("Looks like a street address"),
    "reference": gettext_noop("Looks like a case or reference number"),
    "health": gettext_noop("Says something about the writer's health or disability"),
    "religion": gettext_noop("Says something about the writer's religion or beliefs"),
    "sexual_life": gettext_noop("Says something about sexual orientation or sex life"),
    "ethnicity": gettext_noop("Says something about ethnicity or race"),
    "criminal": gettext_noop("Mentions an arrest, a conviction or a crime"),
    "third_party": gettext_noop("Gives sensitive details about someone other than the writer"),
    "third_party_home": gettext_noop("Says where someone other than the writer lives"),
    "possible_health": gettext_noop("May say something about the writer's health or disability"),
    "possible_religion": gettext_noop("May say something about the writer's religion or beliefs"),
    "possible_sexual_life": gettext_noop("May say something about sexual orientation or sex life"),
    "possible_ethnicity": gettext_noop("May say something about ethnicity or race"),
    "possible_criminal": gettext_noop("May mention an arrest, a conviction or a crime"),
    "possible_third_party": gettext_noop("May give sensitive details about someone other than the writer"),
}


_RELATIONS = "|".join(sorted((re.escape(w) for w in wordlists.RELATION_WORDS), key=len, reverse=True))
_STAFF = (
    r"gp|doctor|nurse|midwife|consultant|surgeon|paramedic|receptionist|social worker|"
    r"health visitor|therapist|physio|physiotherapist|pharmacist|dentist|teacher|caseworker|"
    r"case worker|advisor|adviser|officer|manager|worker|support worker|key worker|"
    r"keyworker|councillor|mp|solicitor|lawyer|care worker|carer|matron|sister|porter|cleaner"
)

# Titles as people type them in a hurry, before a capitalised name: "dr Patel", "mrs Khan".
_LOWER_TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "cllr"})
_TITLE_WORDS = frozenset(
    {
        *TITLES,
        "Prof",
        "Professor",
        "Cllr",
        "Councillor",
        "Rev",
        "Revd",
        "Reverend",
        "Nurse",
        "Sister",
        "Matron",
        "Midwife",
        "Lady",
        "Lord",
        "Father",
        "Canon",
        "PC",
        "DC",
        "DS",
        "Sgt",
        "Sergeant",
        "Inspector",
        "Captain",
        "Major",
        "Imam",
        "Rabbi",
        "Pastor",
        "Sheikh",
    }
)
_PLACE_PREFIX = frozenset(
    {
        "st",
        "saint",
        "lake",
        "port",
        "mount",
        "fort",
        "cape",
        "san",
        "santa",
        "queen",
        "king",
        "hurricane",
        "storm",
    }
)
_HOUSE_NUMBER_BEFORE = re.compile(r"\b\d{1,4}[A-Za-z]?,?\s+$")


# --- Tokens and sentences.

# A word in any alphabet ("Nguyệt", "Đặng", "Ólafur"), with combining accents and inner
# hyphens or apostrophes; not digits or underscores.
_LETTER = r"[^\W\d_]"
_MARK = r"[\u0300-\u036f]"
_TOKEN = re.compile(
    _LETTER + r"(?:(?:" + _LETTER + "|" + _MARK + r"|['\u2019-])*(?:" + _LETTER + "|" + _MARK + r"))?"
)
_ABBREVIATIONS = frozenset(
    {"dr", "mr", "mrs", "ms", "mx", "st", "prof", "rev", "e.g", "i.e", "vs", "cllr", "revd", "sgt"}
)
_SENTENCE_BREAK = re.compile(r"[.!?]+[\"'\u201d\u2019)]*(?=\s|$)|\n+|\s[-\u2013\u2014]\s")


def _sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in _SENTENCE_BREAK.finditer(text):
        if m.group().startswith(".") and len(m.group()) == 1:
            word = re.search(r"([\w.]+)$", text[start : m.start()])
            abbreviation = word.group(1).lower() if word else ""
            if abbreviation in _ABBREVIATIONS or (
                abbreviation == "no" and text[m.end() : m.end() + 2].strip()[:1].isdigit()
            ):
                continue  # "Dr. Patel", "No. 14"; but "etc. I" and "I said no. Then" end sentences
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


@dataclass
class _Token:
    text: str
    start: int
    end: int
    lower: str
    cap: bool  # Capitalised, not all capitals


def _tokens(text: str) -> list[_Token]:
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        end = m.end()
        if word.endswith(("'s", "\u2019s")):
            word = word[:-2]
            end -= 2
        elif word.endswith(("s'", "s\u2019")) and len(word) > 3:
            word = word[:-1]
            end -= 1
        if not word:
            continue
        cap = word[0].isupper() and (len(word) == 1 or not word.isupper())
        out.append(_Token(word, m.start(), end, word.lower(), cap))
    return out


# --- Names.


class KnownNames:
    """The directory's full names, ready to look for. Pass one to ``find_passages`` to
    skip re-reading a long list on every call; any iterable of names works too."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(" ".join(n.lower().split()) for n in names if len(n.split()) >= 2)
        self.lengths = sorted({len(n.split()) for n in self.names}, reverse=True)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)


def _is_name_word(token: _Token) -> bool:
    return (
        token.cap
        and len(token.text) > 1
        and token.lower not in wordlists.NOT_NAME
        and token.lower not in wordlists.PLACE_WORDS
    )


def _surname_like(token: _Token, family_names: frozenset[str]) -> bool:
    """Unfamiliar, a familiar surname, or a surname that is also a word ("Wood", "King"), or
    a short one that is not a word ("Ng", "Li")."""
    short = len(token.text) == 2 and token.cap and token.lower not in wordlists.common_words()
    return (
        _unfamiliar(token)
        or short
        or token.lower in family_names
        or token.lower in wordlists.SURNAME_PLACE_WORDS
    )


def _brand_capitals(token: _Token) -> bool:
    """Masked ("XXXXNeeds") or with a brand's internal capital ("CitiBank", "BofA"). A capital
    after a hyphen or an apostrophe, or after Mc or Mac, is a name's ("Ka-Ho", "D'Souza")."""
    inner = re.sub(r"(?<=['\u2019-])[A-Z\u00c0-\u00de]", "", re.sub(r"^(?:Mc|Mac)", "", token.text)[1:])
    return "xx" in token.lower or any(c.isupper() for c in inner)


def _unfamiliar(token: _Token) -> bool:
    """A capitalised word that is not an everyday English word, a place word or an acronym."""
    if _brand_capitals(token):
        return False
    base = re.split("['\u2019]", token.lower)[0]
    if base != token.lower and (base == "i" or (len(base) > 1 and base in wordlists.common_words())):
        return False  # "I'm", "Council's"
    return (
        token.cap
        and len(token.text) > 2
        and not token.text.isupper()
        and token.lower not in wordlists.common_words()
        and token.lower not in wordlists.NOT_NAME
        and token.lower not in wordlists.PLACE_WORDS
    )


def _joined(text: str, a: _Token, b: _Token) -> bool:
    """Whether two tokens are next to each other with one space (or a full stop after an initial)."""
    between = text[a.end : b.start]
    return between == " " or (len(a.text) == 1 and between in (". ", "."))


_STAFF_WORDS = frozenset(w for w in _STAFF.split("|") if " " not in w)
_CUE_PHRASES = (
    ("spoke", "to"),
    ("speak", "to"),
    ("speaking", "to"),
    ("talked", "to"),
    ("talking", "to"),
    ("thanks", "to"),
    ("seen", "by"),
    ("helped", "by"),
    ("treated", "by"),
    ("supported", "by"),
    ("visited", "by"),
    ("looked", "after", "by"),
    ("dealt", "with", "by"),
    ("got", "through", "to"),
    ("put", "through", "to"),
    ("ask",),
    ("asked",),
    ("mention",),
    ("except",),
    ("name", "is"),
    ("name", "was"),
    ("names", "are"),
)


# After these, one unfamiliar word is a name ("person" cues); see _names.
_PERSON_CUE_PHRASES = (
    ("helped", "by"),
    ("seen", "by"),
    ("treated", "by"),
    ("supported", "by"),
    ("visited", "by"),
    ("run", "by"),
    ("signed", "by"),
    ("referred", "by"),
    ("looked", "after", "by"),
    ("shout", "out", "to"),
    ("shoutout", "to"),
    ("name", "is"),
    ("name", "was"),
    ("name's",),
    ("name", "as"),
)
# Sign-offs: "Thanks again, Wojciech", "Kind regards,\nRazvan da Silva".
_SIGN_OFFS = (
    ("thanks", "again"),
    ("many", "thanks"),
    ("best", "wishes"),
    ("kind", "regards"),
    ("best", "regards"),
    ("warm", "regards"),
    ("regards",),
    ("yours", "sincerely"),
    ("yours", "faithfully"),
    ("yours", "truly"),
    ("cheers",),
    ("thanks", "for", "reading"),
    ("thank", "you", "for", "reading"),
    ("thanks", "for", "listening"),
    ("thanks", "for", "your", "time"),
    ("thank", "you", "for", "your", "time"),
    ("thanks", "for", "your", "help"),
    ("with", "thanks"),
    ("all", "the", "best"),
    ("take", "care"),
    ("lots", "of", "love"),
)
# "Thanks" as the last words of a response: "Thanks, Azad", "Thank you\nMei-Lin".
_CLOSING_THANKS = (("thanks",), ("thank", "you"), ("thankyou",), ("ta",))
_TEXT_END = re.compile(r"(?:\s+[A-Z][\w'\u2019-]+)?(?:\s+x{1,3})?\s*(?:[.!]?\s*(?:\n|$)|[.!]\s+(?=[A-Z]))")
_DETERMINERS = frozenset({"my", "our", "his", "her", "their", "the", "a", "an", "your"})
_SURNAME_PARTICLES = frozenset(
    [
        "da",
        "de",
        "del",
        "della",
        "dela",
        "di",
        "do",
        "dos",
        "das",
        "du",
        "van",
        "von",
        "der",
        "den",
        "le",
        "la",
        "bin",
        "binti",
        "bint",
        "ibn",
        "al",
        "el",
        "ap",
        "ab",
        "\u00f3",
        "n\u00ed",
        "nic",
    ]
)


def _ends_with(tokens: list[_Token], i: int, phrases: tuple[tuple[str, ...], ...]) -> bool:
    """Whether the words just before token i are one of the phrases."""
    return any(
        i >= len(phrase) and tuple(t.lower for t in tokens[i - len(phrase) : i]) == phrase
        for phrase in phrases
    )


def _set_off(tokens: list[_Token], i: int, text: str, gap: str) -> bool:
    """A sign-off ("Thanks again, Wojciech") or a name between commas after "the <noun>"
    ("The caretaker, Hetal, keeps...")."""
    if gap.strip(" ,\n") == "" and gap.count("\n") <= 1 and _ends_with(tokens, i, _SIGN_OFFS):
        return True
    if _closing_thanks(tokens, i, text, gap):
        return True
    # The name may have two words: "The bailiff, Norman Brown, was rude".
    last = tokens[i]
    if (
        i + 1 < len(tokens)
        and _joined(text, tokens[i], tokens[i + 1])
        and (tokens[i + 1].cap and _surname_like(tokens[i + 1], surnames()))
    ):
        last = tokens[i + 1]  # but not "the servicer, Carrington Mortgage, LLC"
    return (
        gap == ", "
        and not tokens[i - 1].cap
        and tokens[i - 1].lower not in wordlists.PLACE_WORDS  # "the town, Milton Keynes, is"
        and (text[tokens[i].end : tokens[i].end + 1] == "," or text[last.end : last.end + 1] == ",")
        and any(k >= 0 and tokens[k].lower in _DETERMINERS for k in (i - 2, i - 3))
    )


def _closing_thanks(tokens: list[_Token], i: int, text: str, gap: str) -> bool:
    """ "Thanks, Azad" that starts a sentence and ends the text or its line."""
    if gap.strip(" ,\n") or gap.count("\n") > 1 or not _ends_with(tokens, i, _CLOSING_THANKS):
        return False
    first = tokens[i - 2 if tokens[i - 1].lower == "you" else i - 1]
    opens = not text[: first.start].strip() or text[: first.start].rstrip()[-1] in ".!?\n"
    return opens and bool(_TEXT_END.match(text, tokens[i].end))


def _cued(tokens: list[_Token], i: int, text: str) -> str:
    """How the words before token i introduce a person: "strong" after "my son" or "a nurse
    called" (one word is a name), "person" after "helped by" or a sign-off (one unfamiliar
    word is a name), "weak" after "spoke to" (a name needs two words), or ""."""
    if i == 0:
        return ""
    prev = tokens[i - 1]
    gap = text[prev.end : tokens[i].start]
    if _set_off(tokens, i, text, gap):
        return "person"
    if gap.strip(" ,") != "":
        return ""
    # "my son Jack", "the nurse, Tia": needs a determiner in front.
    if (prev.lower in wordlists.RELATION_WORDS or prev.lower in _STAFF_WORDS) and any(
        k >= 0 and tokens[k].lower in _DETERMINERS for k in (i - 2, i - 3)
    ):
        return "strong"
    if prev.lower in {"called", "named"} and i >= 2:
        # "a nurse called Tia", not "I called Barclays".
        before = tokens[i - 2].lower
        person = (
            before in wordlists.PERSON_NOUNS or before in wordlists.RELATION_WORDS or before in _STAFF_WORDS
        )
        return "strong" if person else ""
    if _ends_with(tokens, i, _PERSON_CUE_PHRASES):
        return "person"
    return "weak" if _ends_with(tokens, i, _CUE_PHRASES) else ""


def _org_after(tokens: list[_Token], j: int, text: str) -> bool:
    """Whether the token after index j continues a place or organisation's name."""
    if j + 1 >= len(tokens):
        return False
    nxt = tokens[j + 1]
    if text[tokens[j].end : nxt.start] not in (" ", "'s ", "\u2019s ", "s' ", "' "):
        return False
    return nxt.cap and nxt.lower in wordlists.PLACE_WORDS


def _place_before(tokens: list[_Token], i: int, text: str) -> bool:
    if i == 0:
        return False
    prev = tokens[i - 1]
    gap = text[prev.end : tokens[i].start]
    return gap.strip(". ") == "" and prev.lower in _PLACE_PREFIX and prev.cap


def _known_names(text: str, tokens: list[_Token], known: KnownNames | None) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    if not (known and known.names):
        return found
    for length in known.lengths:
        for k in range(len(tokens) - length + 1):
            window = tokens[k : k + length]
            if " ".join(t.lower for t in window) in known.names and all(
                text[a.end : b.start].strip() == "" for a, b in itertools.pairwise(window)
            ):
                found.append((window[0].start, window[-1].end, "known_name"))
    return found


def _titled(text: str, tokens: list[_Token], i: int) -> int | None:
    """Where a name after the title at token i ends: "Dr Patel", "Mr J. Smith", "PC Baker"."""
    n = len(tokens)
    j = i + 1
    while j < n and len(tokens[j].text) == 1 and tokens[j].text.isupper() and j - i <= 2:
        j += 1
    first = j
    # "Sister dela Cruz", "Dr van Dijk", "DC van der Berg".
    while (
        j + 1 < n
        and j - first < 2
        and tokens[j].lower in _SURNAME_PARTICLES
        and _joined(text, tokens[j], tokens[j + 1])
        and _joined(text, tokens[j - 1], tokens[j])
    ):
        j += 1
    if not (j < n and tokens[j].cap and tokens[j].lower not in wordlists.FUNCTION_WORDS):
        return None
    word = tokens[j].lower
    if word in wordlists.PLACE_WORDS and (
        word not in wordlists.SURNAME_PLACE_WORDS or _org_after(tokens, j, text)
    ):
        return None
    # Only full stops and spaces between the title, any initials and the name ("Mr J. Smith").
    if any(text[a.end : b.start].strip(". ") for a, b in itertools.pairwise(tokens[i : first + 1])):
        return None
    # "choose Mr or Mrs. Very few...": after a full stop, an everyday word starts a sentence.
    if (
        "." in text[tokens[first - 1].end : tokens[first].start]
        and i > 0
        # A title used as a noun ("Mr or Mrs.", "see a Dr."); "by Dr. Price" is a name.
        and tokens[i - 1].lower in ("or", "and", "a", "the", "another", "my", "our", "your", "their")
        and tokens[first].lower in wordlists.common_words()
        and tokens[first].lower not in surnames()
    ):
        return None
    end = j
    if end + 1 < n and _joined(text, tokens[end], tokens[end + 1]):
        nxt = tokens[end + 1]
        # "Mrs Joy Church", "Imam Hetal Hall": after a title, a surname that is a place word.
        surname_place = nxt.cap and nxt.lower in wordlists.SURNAME_PLACE_WORDS
        if _is_name_word(nxt) or (surname_place and not _org_after(tokens, end + 1, text)):
            end += 1
    return None if _org_after(tokens, end, text) else end


def _not_a_name_start(text: str, tokens: list[_Token], i: int) -> bool:
    tok = tokens[i]
    return (
        tok.lower in wordlists.NOT_NAME
        or re.split("['\u2019]", tok.lower)[0] in wordlists.NOT_NAME  # "I'm", "I've"
        or tok.lower in wordlists.PLACE_WORDS
        or _place_before(tokens, i, text)
        or bool(_HOUSE_NUMBER_BEFORE.search(text, max(0, tok.start - 8), tok.start))  # "26 Arthur Close"
    )


def _wordlike_given(text: str, tokens: list[_Token], i: int) -> bool:
    """A given name that is also a word ("Will", "Mark") is one after a sign-off or before an
    unfamiliar surname: "Thanks again, Will", "Will Gayle"; but "Will Power"."""
    tok = tokens[i]
    if tok.lower not in wordlists.AMBIGUOUS_NAMES or not tok.cap or _place_before(tokens, i, text):
        return False
    if _ends_with(tokens, i, _SIGN_OFFS) and text[tokens[i - 1].end : tok.start].strip(" ,\n") == "":
        return True
    if _closing_thanks(tokens, i, text, text[tokens[i - 1].end : tok.start]):
        return True
    if _cued(tokens, i, text) == "weak" and re.match(r",?\s+who\b", text[tok.end :]):
        return True  # "got through to Will, who laughed"
    opens = i == 0 or text[: tok.start].rstrip()[-1:] in ".!?\n"
    if opens and _AFTER_WORKER.match(text, tok.end):
        return True  # "Will on reception was patient"
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return nxt is not None and _joined(text, tok, nxt) and _is_name_word(nxt) and _unfamiliar(nxt)


def _given(text: str, tokens: list[_Token], i: int, first_names: frozenset[str]) -> bool:
    """Whether token i reads as a given name from itself and the word after it."""
    tok = tokens[i]
    if tok.lower in first_names and len(tok.text) > 1:
        return True
    if tok.lower in wordlists.AMBIGUOUS_NAMES and _wordlike_given(text, tokens, i):
        return True  # "April Coughlan", "Will Gayle"
    if "-" in tok.lower and any(part in first_names for part in tok.lower.split("-")):
        return True  # "Mary-Jane"
    if not (_is_name_word(tok) and i + 1 < len(tokens)):
        return False
    nxt = tokens[i + 1]
    if not _joined(text, tok, nxt):
        return False
    family_names = surnames()
    if nxt.cap and nxt.lower in family_names:
        return True  # an unfamiliar given name before a familiar surname: "Nkechi Okafor"
    if tok.lower in wordlists.AMBIGUOUS_NAMES and _is_name_word(nxt) and _unfamiliar(nxt):
        return True  # a word-like given name before an unfamiliar surname: "Ruby Srisuk", "Will Gayle"
    # An unfamiliar word before a surname-like word or a particle: "Fearghal Condon",
    # "Qutb Ayyubi", "Obinna Wood", "Raul da Silva".
    return _unfamiliar(tok) and (
        (_is_name_word(nxt) and _surname_like(nxt, family_names))
        or (nxt.lower in _SURNAME_PARTICLES and i + 2 < len(tokens) and _is_name_word(tokens[i + 2]))
    )


def _name_end(text: str, tokens: list[_Token], i: int) -> int:
    """The last token of a name starting at i: a middle name and surname, with one particle."""
    n = len(tokens)
    end = i
    for _ in range(2):
        if end + 1 < n and _is_name_word(tokens[end + 1]) and _joined(text, tokens[end], tokens[end + 1]):
            end += 1
        elif (
            end + 2 < n
            and tokens[end + 1].lower in _SURNAME_PARTICLES
            and _is_name_word(tokens[end + 2])
            and _joined(text, tokens[end], tokens[end + 1])
            and _joined(text, tokens[end + 1], tokens[end + 2])
        ):
            end += 2  # "Joao da Silva", "Jack dela Cruz"
        else:
            break
    return end


def _surname_word_after(text: str, tokens: list[_Token], i: int, confident: bool) -> bool:
    """ "Raymond Green", "Ann Hill": a surname that is a place word; but "the Albert Hall"."""
    return (
        confident
        and i + 1 < len(tokens)
        and tokens[i + 1].cap
        and tokens[i + 1].lower in wordlists.SURNAME_PLACE_WORDS
        and _joined(text, tokens[i], tokens[i + 1])
        and not (i > 0 and tokens[i - 1].lower == "the")
        and not _org_after(tokens, i + 1, text)
    )


def _rejected(text: str, tokens: list[_Token], i: int, end: int, cue: str, given: bool) -> bool:
    """Whether a candidate name from token i to end is a word, a place or an organisation."""
    tok = tokens[i]
    cued = cue == "strong"
    if end > i:
        # "Bill Pay", "Will Power": a word-like given name needs a surname, not a word.
        nxt = tokens[i + 1]
        return (
            not cue
            and tok.lower in wordlists.WORDLIKE_NAMES
            and nxt.lower not in surnames()
            and not _unfamiliar(nxt)
        )
    if not given and not cued:
        return True  # "spoke to Experian": one unfamiliar word is not enough
    if not cue and (tok.lower in wordlists.AMBIGUOUS_NAMES or _org_after(tokens, i, text)):
        return True
    # A given name followed by a capitalised place word ("Grace Church") is a place.
    return (
        not cue
        and i + 1 < len(tokens)
        and text[tok.end : tokens[i + 1].start] == " "
        and tokens[i + 1].cap
        and tokens[i + 1].lower in wordlists.PLACE_WORDS
    )


def _signature(text: str, tokens: list[_Token], i: int) -> bool:
    """Whether token i, after a sign-off, is the last word of the text (a kiss or a full stop
    aside) and may be a name however everyday the word: "Thanks, Winsome", "Cheers Sunny x"."""
    tok = tokens[i]
    return (
        tok.cap
        and bool(re.match(r"\s*(?:x{1,3}\b)?\s*[.!]?\s*$", text[tok.end :]))
        and tok.lower not in wordlists.NOT_SIGNATURE
        and tok.lower not in wordlists.NOT_NAME
        and tok.lower not in wordlists.NOT_A_PERSON
        and tok.lower not in wordlists.PLACE_WORDS
        and tok.lower not in wordlists.RELATION_WORDS
        and tok.lower not in _IDENTITY_WORDS
        and not tok.lower.endswith("ed")
    )


def _one_word_cue(text: str, tokens: list[_Token], i: int, first_names: frozenset[str]) -> str:
    """The cue before token i (see ``_cued``), made "strong" where one word is enough."""
    tok = tokens[i]
    cue = _cued(tokens, i, text)
    if cue == "person":
        # "helped by Akosua", "his name was Olumide", "Thanks again, Wojciech": one word is a
        # name when it is not an everyday word; after a sign-off, a word-like given name is
        # one too ("Thanks again, Will").
        signed = _ends_with(tokens, i, _SIGN_OFFS) or _ends_with(tokens, i, _CLOSING_THANKS)
        named = _unfamiliar(tok) or tok.lower in first_names
        if signed and (tok.lower in wordlists.AMBIGUOUS_NAMES or _signature(text, tokens, i)):
            named = True
        return "strong" if named else ""
    named = _unfamiliar(tok) or tok.lower in first_names or tok.lower in wordlists.AMBIGUOUS_NAMES
    if cue == "weak" and named and re.match(r",?\s+who\b", text[tok.end :]):
        return "strong"  # "spoke to Dariush, who laughed", "spoke to Amber who": a person, not a company
    return cue


# What follows a name and says it is a person's: "Shamima's advice", "Yuqing and her
# husband", "Robin Baker who works at the tip", "Daamin from the call centre".
_PERSON_THINGS = (
    r"advice|help|support|kindness|patience|care|attitude|manner|approach|explanation|"
    r"professionalism|compassion|empathy|dedication|efforts|behaviour|behavior|dog|dogs|cat|cats|"
    # What only a person has: "Thilaga's wheelchair", "Jun's appointment".
    r"wheelchair|walker|walking\s+frame|buggy|pram|mobility\s+scooter|hearing\s+aids?|guide\s+dog|"
    r"appointments?|medication|meds|prescription|funeral|birthday|homework|nursery|bedroom"
)
# Jobs a person does, after "X the": "Egal the caretaker".
_JOB_AFTER_THE = (
    _STAFF + r"|caretaker|bailiff|janitor|warden|concierge|postman|postwoman|postie|handyman|plumber|"
    r"electrician|driver|bus\s+driver|lollipop\s+(?:lady|man)|dinner\s+lady|locksmith|gardener"
)
_AFTER_PERSON = re.compile(
    r"['\u2019]s\s+(?:own\s+)?(?:" + _RELATIONS + "|" + _STAFF + "|" + _PERSON_THINGS + r")\b"
    r"|,?\s+and\s+(?:her|his)\s+"
    # How the writer knows the name: "X was the only name they gave", "asked for X by name",
    # "X, I think she's called", "(X according to the badge)".
    r"|[\"\u201d'\u2019]?,?\s+(?:was|is)\s+(?:the\s+)?(?:only\s+)?name\b"
    r"|\s+by\s+name\b"
    # Only a person does a job: "Egal the caretaker knows", "Egal the caretaker, who".
    r"|,?\s+the\s+(?:" + _JOB_AFTER_THE + r")(?:,|\s+(?:who|was|is|has|had|knows|knew|said|told|came|"
    r"did|does|never|always|kept|keeps|will|would|could|can|tried|helped|went))\b"
    # What a person on the phone does: "until Nasrin finally picked it up", "told Hope
    # would call back".
    r"|\s+(?:finally\s+|eventually\s+|then\s+|kindly\s+|personally\s+|actually\s+)?"
    r"(?:picked\s+(?:it\s+|the\s+phone\s+)?up|answered\s+(?:the\s+phone|my\s+call)|rang\s+(?:me|us)\s+back|"
    r"phoned\s+(?:me|us)\s+back|apologised|apologized)\b"
    r"|\s+(?:would|will|was\s+going\s+to|promised\s+to|(?:is|was)\s+supposed\s+to|said\s+(?:she|he|they)\s+would)"
    r"\s+(?:ring|call|phone|email|e-mail|text|get\s+back|come\s+back|pop\s+round)\s+(?:me|us|back|to)\b"
    r"|[\"\u201d'\u2019]?,?\s+(?:I|i)\s+think\s+(?:she|he|they)(?:['\u2019]s|\s+is|\s+was|\s+are)\s+called\b"
    r"|[\"\u201d'\u2019]?,?\s+(?:according\s+to|it\s+said\s+on|said\s+on)\s+(?:the|her|his|their)\s+"
    r"(?:name\s+)?(?:badge|lanyard|name\s+tag|tag)\b"
)
# Where someone works, after a name that starts a sentence or follows "and", "by", "with":
# "Daamin from the call centre hung up", "Sreeja Park from the tenants' group".
_AFTER_WORKER = re.compile(
    r"\s+from\s+(?:the|our|your)\s+(?:[\w'\u2019-]+\s+){0,2}?(?:team|office|centre|center|"
    r"desk|department|council|surgery|practice|ward|clinic|helpline|service|services|group|charity|"
    r"pharmacy|agency|company|reception|counter|switchboard|association|committee|board|unit)\b"
    r"|\s+(?:at|on)\s+(?:the\s+)?(?:front\s+desk|reception|desk|counter|switchboard|helpline)\b"
    r"|\s+in\s+(?:the|our|your)\s+(?:[\w'\u2019-]+\s+){0,3}?(?:team|office|department|unit)\b"
    r"|\s+(?:from|in)\s+(?:accounts|billing|finance|payroll|HR|IT|housing|repairs|planning|legal|admin|"
    r"customer\s+services|complaints|enforcement|licensing|benefits)\b"
    r"|\s+at\s+the\s+(?:[\w'\u2019-]+\s+){0,2}?(?:food\s*bank|foodbank|pantry|hostel|shelter|drop-in|"
    r"surgery|pharmacy|library|jobcentre|advice\s+centre|community\s+centre|children's\s+centre)\b"
)
_WORKER_BEFORE = frozenset({"and", "by", "with", "both", "ask", "for"})
# Only a person is one of "X and I", where X starts the clause: "Navjot and I have been".
_AFTER_PAIR = re.compile(r"\s+and\s+(?:I|i|me|myself)\b(?!['\u2019])")
_AFTER_PERSON_WHO = re.compile(r",?\s+who\s+(?!(?:is|are|was|were)\s+(?:a|an|the)\b)")


def _post_cued(text: str, tokens: list[_Token], i: int, first_names: frozenset[str]) -> int | None:
    """Where a name of one or two words from token i ends when the words after it say it
    is a person's (see ``_AFTER_PERSON``); a bare "who" after it needs a given name."""
    tok = tokens[i]
    given = tok.lower in first_names or tok.lower in wordlists.AMBIGUOUS_NAMES
    if not (given or _unfamiliar(tok)):
        return None
    ends = [i]
    if i + 1 < len(tokens) and _joined(text, tok, tokens[i + 1]):
        nxt = tokens[i + 1]
        if _is_name_word(nxt) or (nxt.cap and nxt.lower in wordlists.SURNAME_PLACE_WORDS):
            ends.insert(0, i + 1)
    for end in ends:
        after = tokens[end].end
        two = end > i and (given or _unfamiliar(tokens[end]) or tokens[end].lower in surnames())
        # "I called Chase who...": a word-like name alone before "who" may be a company.
        one = end == i and given and tok.lower not in wordlists.WORDLIKE_NAMES
        opens = (
            i == 0
            or tokens[i - 1].lower in _WORKER_BEFORE
            or text[: tok.start].rstrip()[-1:] in ".!?\n"
            or _ends_with(tokens, i, _CUE_PHRASES)  # "spoke to Olamide in the benefits team"
        )
        if (
            _AFTER_PERSON.match(text, after)
            or ((one or two) and _AFTER_PERSON_WHO.match(text, after))
            or (opens and (_AFTER_WORKER.match(text, after) or _AFTER_PAIR.match(text, after)))
        ):
            if end > i and _org_after(tokens, end, text):
                return None
            return end
    return None


# Frames that only a person fills, whatever the name: the words before it and after it
# together ("let Amber know", "can Gurpreet ring me", "Dear Siew,", "the Mensahs next
# door", "our support worker (Yonas)", "The man who answered, Huong, said", "Faith Green,
# senior staff nurse", "it's Grace, who"). One word fits when it is a given name, a
# word-like given name, a surname or an unfamiliar word, and not an organisation's.
_PERSON_VERBS = (
    r"ring|call|phone|email|e-mail|text|contact|get\s+back|let|send|tell|explain|help|sort|"
    r"look|check|chase|pass|arrange|visit|come|speak|talk|meet|confirm|update|advise"
)
_FRAME_BEFORE = re.compile(
    r"(?:(?P<let>\b(?:let|letting|lets)\s+)"
    r"|(?P<modal>(?:^|[.!?\n]\s*|\b(?:please|pls|plz|and|but|so|why)\s+)(?:can|could|would|will|may|did|didn['\u2019]t)\s+)"
    r"|(?P<thanks>\b(?:thank\s+you|thankyou|thanks|grateful|gratitude|shout\s*out|hats\s+off)"
    r"(?:\s+(?:so\s+much|very\s+much|again|ever\s+so\s+much|a\s+lot))?(?:\s+on)?\s+to\s+)"
    r"|(?P<ask>\bask(?:ed|ing)?\s+for\s+)"
    r"|(?P<thankobj>\bthank(?:ing)?\s+)"
    r"|(?P<with>\b(?:with|alongside)\s+)"
    r"|(?P<without>\bwithout\s+)"
    r"|(?P<its>\b(?:it['\u2019]s|it\s+is|it\s+was|that['\u2019]s|that\s+was|this\s+is)\s+)"
    r"|(?P<greeting>(?:^|\n)\s*(?:Dear|Hi|Hello|Hiya|Hey|Morning|Good\s+morning|Good\s+afternoon)\s+)"
    r")$",
    re.IGNORECASE,
)
# Where a person works, between a name and what they did: "Faith from the Jobcentre".
_WORKPLACE = r"(?:\s+(?:from|at|in|on)\s+(?:the\s+)?[\w'\u2019-]+(?:\s+[\w'\u2019-]+){0,2}?)?"
_FRAME_AFTER = {
    "let": re.compile(_WORKPLACE + r"\s+(?:know|have|see|hear)\b", re.IGNORECASE),
    "modal": re.compile(_WORKPLACE + r"\s+(?:please\s+)?(?:" + _PERSON_VERBS + r")\b", re.IGNORECASE),
    # "thank you to X": a company fits too, so the name ends the clause or a kiss follows.
    "thanks": re.compile(
        r"\s*(?:x{1,3}\b|[,.!)\n]|$|\s+and\s+(?:her|his|the)\b|\s+for\b|\s+who\b|\s+(?:in|on|at)\s+the\b)"
    ),
    "ask": re.compile(r"\s*(?:[,.!)\n]|$|\s+(?:at|in|on|from)\s+the\b|\s+who\b|\s+by\s+name\b|\s+but\b)"),
    # "please thank Mahad for me": a company is thanked "for" too, so not before "for the".
    "thankobj": re.compile(
        r"\s*(?:x{1,3}\b|[,!)\n]|$|\s+for\s+(?:me|us|everything|all|being|helping|her|his)\b"
        r"|\s+so\s+much\b|\s+enough\b)"
    ),
    # "went in with Amber and we both waited".
    "with": re.compile(r",?\s+and\s+(?:I|i|we)\s+(?:both|all|were|went|had|waited|sat|got|have|are)\b"),
    # "without Sunny I would have given up".
    "without": re.compile(
        r",?\s+(?:I|i|we)\s+(?:would|wouldn['\u2019]t|could|couldn['\u2019]t|might|['\u2019]d)\b"
    ),
    "its": re.compile(r",?\s+who\b"),
    "greeting": re.compile(r"\s*(?:,|\n|$|!|\s+-)"),
}
_FAMILY_AFTER = re.compile(
    r"\s+family\b"
    r"|\s+(?:next\s+door|upstairs|downstairs|opposite|over\s+the\s+road|across\s+the\s+(?:road|street|way)"
    r"|at\s+number|from\s+number|in\s+number|down\s+the\s+(?:road|street)|two\s+doors|round\s+the\s+corner)\b",
    re.IGNORECASE,
)
_PERSON_BEFORE = re.compile(
    r"\b(?:" + _STAFF + "|" + _RELATIONS + r"|man|woman|lady|gentleman|guy|bloke|chap|girl|boy|lad|fella|"
    r"person|someone|somebody|agent|operator|caller)\b"
    r"(?:\s+(?:who|that|on|at|in|from|I|i|we|he|she)\b[^,.!?()\n]{0,40})?\s*[,(]\s*$",
    re.IGNORECASE,
)
_SET_OFF_AFTER = re.compile(r"\s*(?:,|\)|\s+(?:I|i)\s+(?:think|believe)\b)")
_ROLE_AFTER = re.compile(
    r",\s+(?:(?:a|an|the|our|my|his|her|their|your|senior|head|lead|deputy|chief|student|staff|"
    r"community|specialist|trainee|assistant|duty|charge|ward|practice|district|named)\s+){0,3}(?:"
    + _STAFF
    + r")\b",
    re.IGNORECASE,
)
# Irish surnames start with a one-letter particle: "the Ó Dónaill family".
_IRISH_PARTICLES = frozenset({"\u00f3", "n\u00ed", "nic", "ua"})


def _frame_word(tok: _Token, first_names: frozenset[str]) -> bool:
    """Whether one capitalised word can be a name in a person frame."""
    if not tok.cap or len(tok.text) < 2 or (tok.text.isupper() and len(tok.text) > 2):
        return False
    if tok.lower in wordlists.NOT_A_PERSON or tok.lower in _IDENTITY_WORDS or _brand_capitals(tok):
        return False
    return (
        tok.lower in first_names
        or tok.lower in wordlists.AMBIGUOUS_NAMES
        or tok.lower in surnames()
        or _unfamiliar(tok)
    )


def _frame_name_end(text: str, tokens: list[_Token], i: int, first_names: frozenset[str]) -> int | None:
    """The last token of a name of one or two words (and particles) starting at token i."""
    n = len(tokens)
    j = i + 1 if tokens[i].lower in _IRISH_PARTICLES else i
    if (
        j >= n
        or (j > i and not _joined(text, tokens[i], tokens[j]))
        or not _frame_word(tokens[j], first_names)
    ):
        return None
    end = j
    k = j + 1
    while k < n and tokens[k].lower in _SURNAME_PARTICLES and _joined(text, tokens[k - 1], tokens[k]):
        k += 1
    if k < n and _joined(text, tokens[k - 1], tokens[k]):
        nxt = tokens[k]
        surname = _is_name_word(nxt) or (nxt.cap and nxt.lower in wordlists.SURNAME_PLACE_WORDS)
        if surname and (
            _unfamiliar(nxt)
            or nxt.lower in surnames()
            or nxt.lower in first_names
            or nxt.lower in wordlists.SURNAME_PLACE_WORDS
            or nxt.lower in _IRISH_PARTICLES
        ):
            end = k
    if k > j + 1 and end == j:
        return None  # particles with no surname after them
    if tokens[end].lower in _IRISH_PARTICLES and end + 1 < n and _joined(text, tokens[end], tokens[end + 1]):
        end += 1  # "Mei-Ling Ó Briain"
    if _org_after(tokens, end, text) or any(
        t.lower in wordlists.NOT_A_PERSON or t.lower in _IDENTITY_WORDS for t in tokens[i : end + 1]
    ):
        return None
    return end


def _framed(text: str, tokens: list[_Token], i: int, first_names: frozenset[str]) -> int | None:
    """Where a name in a person frame (see ``_FRAME_BEFORE``) from token i ends, if it is in one."""
    tok = tokens[i]
    end = _frame_name_end(text, tokens, i, first_names)
    if end is None or _place_context(tokens, i):
        return None
    before = text[max(0, tok.start - 80) : tok.start]
    after = tokens[end].end
    frame = _FRAME_BEFORE.search(before)
    if frame and frame.lastgroup and _FRAME_AFTER[frame.lastgroup].match(text, after):
        return end
    # "the Mensahs next door", "the Ó Dónaill family": a family by its surname.
    if i > 0 and tokens[i - 1].lower == "the":
        plural = tokens[end].text.endswith("s") and _FAMILY_AFTER.match(text, after)
        if plural or re.match(r"\s+family\b", text[after:], re.IGNORECASE):
            return end
    # Set off after a person: "our support worker (Yonas)", "The man who answered, Huong,".
    if _PERSON_BEFORE.search(before) and _SET_OFF_AFTER.match(text, after):
        return end
    # "Faith Green, senior staff nurse", "Olu, a support worker".
    if _ROLE_AFTER.match(text, after) and (end > i or tok.lower in first_names or _unfamiliar(tok)):
        return end
    return None


def _post_cued_name(
    text: str, tokens: list[_Token], i: int, first_names: frozenset[str], given: bool
) -> int | None:
    """Where a name told by the words after it ends (``_post_cued``), unless a given name
    goes on to a surname that the usual rules find, or the words are an identity."""
    end = _post_cued(text, tokens, i, first_names)
    if end is None or (end == i and given and _name_end(text, tokens, i) > i):
        return None
    if any(t.lower in wordlists.NOT_A_PERSON for t in tokens[i : end + 1]):
        return None  # "Capita would ring back", "Lidl and I"
    return None if _identity(tokens, i, end, first_names) else end


def _named_by_context(
    text: str, tokens: list[_Token], i: int, first_names: frozenset[str], given: bool
) -> int | None:
    """Where a name that the words after it (``_post_cued_name``) or a person frame around
    it (``_framed``) make a name ends, if one does."""
    end = _post_cued_name(text, tokens, i, first_names, given)
    return end if end is not None else _framed(text, tokens, i, first_names)


def _identity_words() -> frozenset[str]:
    """The words of strong religion and ethnicity terms ("Turkish", "Sri Lankan", "Jew")."""
    words: set[str] = set()
    for kind in ("religion", "ethnicity"):
        for phrase in wordlists.LEXICON_TEXT[kind][0].split(","):
            words.update(w.lstrip("=").lower() for w in phrase.split() if not w.endswith("*"))
    return frozenset(words - {"s", "black", "white", "brown", "mixed", "other", "man", "woman", "people"})


_IDENTITY_WORDS = _identity_words()


def _identity(tokens: list[_Token], i: int, end: int, first_names: frozenset[str]) -> bool:
    """Whether a candidate name holds a word of a religion or an ethnicity ("Turkish
    Cypriot", "Sephardi Jew", "Yom Kippur"), which is not a surname ("Christian Jones" is a name)."""
    return any(
        t.lower in _IDENTITY_WORDS
        and t.lower not in first_names
        and t.lower not in surnames()
        and t.lower not in wordlists.SURNAME_PLACE_WORDS
        for t in tokens[i : end + 1]
    )


def _skipped_start(text: str, tokens: list[_Token], i: int, first_names: frozenset[str]) -> bool:
    """Whether token i cannot start a name: a non-name word, unless it is a word-like given
    name the words around it make a name ("Thanks again, Will", "can Will ring me")."""
    if not _not_a_name_start(text, tokens, i) or _wordlike_given(text, tokens, i):
        return False
    return not (
        tokens[i].lower in wordlists.AMBIGUOUS_NAMES and _framed(text, tokens, i, first_names) is not None
    )


def _names(text: str, tokens: list[_Token], known: KnownNames | None) -> list[tuple[int, int, str]]:
    found = _known_names(text, tokens, known)
    first_names = given_names()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        lower_title = tok.text in _LOWER_TITLES  # "dr Patel" in informal writing
        if not tok.cap and tok.text not in _TITLE_WORDS and not lower_title:  # "PC Baker": capitals
            i += 1
            continue
        if (tok.text in _TITLE_WORDS or lower_title) and i + 1 < len(tokens):
            titled_end = _titled(text, tokens, i)
            if titled_end is not None:
                found.append((tok.start, tokens[titled_end].end, "name"))
                i = titled_end + 1
                continue
        if _skipped_start(text, tokens, i, first_names):
            i += 1
            continue
        if lower_title:
            i += 1
            continue
        cue = _one_word_cue(text, tokens, i, first_names)
        given = cue != "strong" and _given(text, tokens, i, first_names)
        post_end = None if cue == "strong" else _named_by_context(text, tokens, i, first_names, given)
        if post_end is not None:
            found.append((tok.start, tokens[post_end].end, "name"))
            i = post_end + 1
            continue
        if not (given or cue):
            i += 1
            continue
        # Surname (and a middle name): "Sarah Jones", "Sarah Jane Smith", "my neighbour Kayleigh Oakes".
        end = _name_end(text, tokens, i)
        confident = cue == "strong" or (given and tok.lower not in wordlists.AMBIGUOUS_NAMES)
        if end == i and _surname_word_after(text, tokens, i, confident):
            end = i + 1
        if _org_after(tokens, end, text):
            i = end + 1
            continue
        if _rejected(text, tokens, i, end, cue, given or cue == "strong") or _identity(
            tokens, i, end, first_names
        ):
            i += 1
            continue
        found.append((tok.start, tokens[end].end, "name"))
        i = end + 1
    return found


# --- Addresses.

STREET_SUFFIXES = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Cl|Drive|Dr|Way|Crescent|Cres|Court|Ct|Place|Pl|"
    r"Gardens|Gdns|Terrace|Terr|Grove|Gr|Hill|Row|Walk|Square|Sq|Mews|Parade|Rise|View|Green|Park|"
    r"Vale|Wharf|Yard|Gate|Path|Boulevard|Circus|Croft|Fold|Meadow|Meadows|Chase|Heights|End|Wynd|"
    r"Brae|Quay|Embankment|Broadway|Hollow|Ffordd|Heol|Stryd|Lon|"
    # The rest of the thoroughfare types in UK (Royal Mail) and Australian addresses.
    r"Approach|Arcade|Bank|Bottom|Brow|Bypass|Causeway|Circle|Circuit|Cloisters|Common|Copse|"
    r"Corner|Cottages|Cross|Crossway|Dale|Dell|Dene|Drove|Esplanade|Field|Fields|Garth|Glade|Glen|"
    r"Grange|Greenway|Ground|Hey|Highway|Holme|Hurst|Knoll|Lea|Leys|Link|Links|Loan|Loke|Loop|Mall|"
    r"Mead|Mount|Nook|Orchard|Oval|Paddock|Parkway|Passage|Pathway|Pleasance|Precinct|Promenade|"
    r"Reach|Ride|Ridge|Ringway|Shaw|Side|Spur|Steps|Strand|Terraces|Top|Track|Trail|Twitten|Valley|"
    r"Vennel|Villas|Vista|Walkway|Wend|Wold|Wood|Woods|Crest|Retreat|Outlook|Pass|Pde|Hwy|Cct|Manor"
)
# Welsh streets put the type first: "12 Heol y Nant", "4 Ffordd Penrhos", "7 Stryd Fawr".
_WELSH_TYPES = r"Heol|Ffordd|Stryd|L[o\u00f4]n|Rhodfa|Cilgant|Clos|Teras|Maes|Llwybr|Cwrt|Plas|Bryn|Parc"
_STRONG_SUFFIXES = r"street|road|avenue|lane|crescent|terrace|gardens|grove|close|drive"
_NOT_STREET = (
    r"(?!(?:the|a|an|of|to|and|or|in|on|at|for|my|our|your|his|her|their|down|up|along|across|this|"
    r"that|into|per|by|minutes?|mins?|hours?|hrs?|miles?|yards?|metres?|meters?|km|seconds?|days?|"
    r"weeks?|months?|years?|times?|people|steps|foot|feet|lanes?|cars?|buses|houses|homes|more|other|"
    r"different|new|small|big|large|separate|busy|main|quiet|local)\b)"
)
# A town after an address: "Leeds", "Milton Keynes", "Stratford-upon-Avon", "Newcastle upon Tyne".
_TOWN = r"(?-i:[A-Z][a-z]+(?:(?:\s+upon\s+|-(?:upon|on|under|le|in|by)-|\s+|-)[A-Z][a-z]+)?)(?![\w-])"
ADDRESS = re.compile(
    r"(?:\b(?:Flat|Apartment|Apt|Unit|Room|Suite|Block|Maisonette)\.?\s+\d{1,4}[A-Za-z]?,?\s+)?"
    r"\b\d{1,4}[A-Za-z]?(?:-\d{1,4}[A-Za-z]?)?,?\s+"
    r"(?:"
    r"(?:(?:St\.?|[A-Z][A-Za-z'\u2019-]+)\s+){0,3}(?-i:[A-Z][A-Za-z'\u2019-]+)\s+(?-i:"
    + STREET_SUFFIXES
    + r")"
    r"|(?:" + _NOT_STREET + r"[a-z'\u2019-]+\s+){1,3}(?:" + _STRONG_SUFFIXES + r")"
    r")\b"
    r"(?:,\s*" + _TOWN + r")?"
)
ADDRESS_WELSH = re.compile(
    r"\b\d{1,4}[A-Za-z]?,?\s+(?:"
    r"(?-i:(?:" + _WELSH_TYPES + r"))\s+(?:(?:y|yr|'r)\s+)?"
    r"(?-i:[A-Z][\w'\u2019-]+)(?:\s+(?-i:[A-Z][\w'\u2019-]+))?"
    # Any Welsh place name with the article in the middle: "Pen y Bryn", "Tan y Graig",
    # "Bryn yr Eos", "Maes-y-Coed".
    r"|(?-i:[A-Z][\w'\u2019]+(?:\s+(?:y|yr)\s+|-(?:y|yr)-)[A-Z][\w'\u2019-]+)"
    # English streets with the type first: "Mount Pleasant", "Mount Vernon".
    r"|(?-i:Mount\s+[A-Z][\w'\u2019-]+)"
    r")(?:,\s*" + _TOWN + r")?"
)
ADDRESS_NO_NUMBER = re.compile(
    r"\b(?:live|lives|lived|living|moved|address is)\s+(?:on|at|in|to)\s+"
    r"((?:[A-Z][A-Za-z'\u2019-]+\s+){1,3}(?:" + STREET_SUFFIXES + r"))\b"
)
# A numbered street whose last word is not a usual suffix, after words that say it is an
# address: "I live at 24 Karrugang Circuit", "Flat 8, 120 Port Jackson Way".
ADDRESS_CUED = re.compile(
    r"(?:\b(?:live|lives|lived|living|address is|moved to|move to|moving to|staying at|reside|resides)"
    r"\s+(?:at|on|in)?\s*|\b(?:Flat|Apartment|Apt|Unit|Maisonette)\.?\s+\d{1,4}[A-Za-z]?,?\s+)"
    r"(\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'\u2019-]+\s+){0,2}[A-Z][A-Za-z'\u2019-]+"
    r"(?:,\s*" + _TOWN + r")?)"
)
# A house number before an unfamiliar capitalised word (after one other capitalised word
# or none) or "The" and a capitalised word: "5 Micklegate", "18 Moorside", "3 Petty Cury",
# "150 The Vennel" (streets with no thoroughfare word).
ADDRESS_BARE = re.compile(
    r"(?<![\w\u00a3$\u20ac.,:/-])\d{1,3}[A-Za-z]?,?\s+"
    r"(?-i:(The\s+)?(?:([A-Z][a-z\u00c0-\u024f'\u2019]+) )?"
    r"([A-Z][a-z\u00c0-\u024f'\u2019]+(?:-[A-Za-z\u00c0-\u024f]+)*))\b(?![\w'\u2019-])"
    r"(?:,\s*" + _TOWN + r")?"
)
_STREET_WORDS = frozenset(w.lower() for w in STREET_SUFFIXES.split("|"))
# Place words that name an institution, not a street: "3 The Council" is not an address.
_INSTITUTIONS = wordlists.PLACE_WORDS - _STREET_WORDS
_NOT_ADDRESS_FIRST = re.compile(
    r"^\d+\w?,?\s+(?:the|a|an|and|or|of|in|on|at|to|for|my|our|your|his|her|their|this|that|these|those|"
    r"more|other|all|star|stars|good|best|top|first|year|years|times?|people|hours?|minutes?)\b",
    re.IGNORECASE,
)
_ADDRESS_BAD_WORDS = frozenset(
    {"nhs", "covid", "a&e", "gp", "ae", "year", "years", "minute", "minutes", "hour", "hours"}
)


def _bare_street(m: re.Match[str]) -> tuple[int, int] | None:
    """The span of an ``ADDRESS_BARE`` match that reads as a street, if any: two words
    ("3 Petty Cury") when the last is unfamiliar, else the first ("201 Drumkeen Manor")."""
    the, first, word = m.group(1), m.group(2), m.group(3)
    if first and not the:
        low = first.lower()
        two = (
            low not in wordlists.NOT_NAME
            and low not in _ADDRESS_BAD_WORDS
            and low not in wordlists.PLACE_WORDS
            and not _NOT_ADDRESS_FIRST.match(m.group())
            and _bare_word(word, the=False)
        )
        if two:
            return m.start(), m.end()
        return (m.start(), m.end(2)) if _bare_word(first, the=False) else None
    if first:  # "The" and two words: "169 The Paddocks Mathewstad"
        return (m.start(), m.end(2)) if _bare_word(first, the=True) else None
    return (m.start(), m.end()) if _bare_word(word, the=bool(the)) else None


def _bare_word(word: str, *, the: bool) -> bool:
    low = word.lower()
    if low in wordlists.NOT_NAME or low in _ADDRESS_BAD_WORDS:
        return False
    if the:
        return low not in _INSTITUTIONS  # "150 The Vennel", "59 The Crescent", but not "3 The Council"
    return low not in wordlists.common_words() and low not in wordlists.PLACE_WORDS


def _addresses(text: str, *, numbered: bool = True) -> list[tuple[int, int, str]]:
    found = []
    for m in ADDRESS.finditer(text) if numbered else ():
        words = [w.lower() for w in re.findall(r"[A-Za-z&']+", m.group())]
        if any(w in _ADDRESS_BAD_WORDS for w in words):
            continue
        # "5 Star Service", "2 Great Park...": a Capitalised street word must not be a plain word.
        core = re.sub(
            r"^(?:Flat|Apartment|Apt|Unit|Room|Suite|Block|Maisonette)\.?\s+\d+\w?,?\s+", "", m.group()
        )
        if _NOT_ADDRESS_FIRST.match(core):
            continue
        found.append((m.start(), m.end(), "address"))
    for m in ADDRESS_WELSH.finditer(text) if numbered else ():
        found.append((m.start(), m.end(), "address"))
    for m in ADDRESS_CUED.finditer(text) if numbered else ():
        if not _NOT_ADDRESS_FIRST.match(m.group(1)):
            found.append((m.start(1), m.end(1), "address"))
    for m in ADDRESS_BARE.finditer(text) if numbered else ():
        span = _bare_street(m)
        if span:
            found.append((*span, "address"))
    for m in ADDRESS_NO_NUMBER.finditer(text):
        found.append((m.start(1), m.end(1), "address"))
    return found


# --- Special categories.

_Entry = tuple[tuple[str, ...], str, bool]  # words, kind, strong; a negative phrase has kind ""


def _compile_lexicons() -> tuple[dict[str, list[_Entry]], dict[str, list[_Entry]]]:
    by_word: dict[str, list[_Entry]] = {}
    by_stem: dict[str, list[_Entry]] = {}
    for kind, (strong, weak) in wordlists.LEXICON_TEXT.items():
        for text, is_strong in ((strong, True), (weak, False)):
            for raw in text.split(","):
                phrase = raw.strip()
                if not phrase:
                    continue
                negative = phrase.startswith("!")
                words = tuple(phrase.lstrip("!").split())
                entry: _Entry = (words, "" if negative else kind, is_strong)
                first = words[0]
                if first.endswith("*"):
                    by_stem.setdefault(first[:3], []).append(entry)
                else:
                    by_word.setdefault(first.lstrip("=") if first.startswith("=") else first, []).append(
                        entry
                    )
    return by_word, by_stem


_LEX_WORDS, _LEX_STEMS = _compile_lexicons()
_LETTERS = re.compile(r"[A-Za-z]+")


def _shouting(text: str, start: int) -> bool:
    """Whether the text around a position is written in capitals, where "MS" is just a word."""
    window = text[max(0, start - 40) : start + 40]
    letters = [c for c in window if c.isalpha()]
    return sum(c.isupper() for c in letters) > 0.6 * len(letters)


def _word_matches(pattern: str, word: str) -> bool:
    if pattern.startswith("="):
        return word == pattern[1:]
    if pattern.endswith("*"):
        return word.lower().startswith(pattern[:-1])
    return word.lower() == pattern


def _lexicon_hits(text: str) -> Iterator[tuple[int, int, str, bool]]:
    """Each lexicon term in the text: start, end, kind and whether it is strong."""
    words = [(m.group(), m.start(), m.end()) for m in _LETTERS.finditer(text)]
    for i, (word, start, _) in enumerate(words):
        lower = word.lower()
        candidates = (
            _LEX_WORDS.get(lower, []) + _LEX_WORDS.get(word, [])
            if word != lower
            else _LEX_WORDS.get(lower, [])
        )
        if len(lower) >= 4 and lower[:3] in _LEX_STEMS:
            candidates = candidates + _LEX_STEMS[lower[:3]]
        if not candidates:
            continue
        matched: list[tuple[int, str, bool]] = []
        blocked = False
        # A capitalised ordinary word after a capitalised word is part of a name: "Florence Brown".
        named = (
            word[0].isupper()
            and i > 0
            and words[i - 1][0][0].isupper()
            and text[words[i - 1][2] : start] == " "
        )
        for phrase, kind, strong in candidates:
            n = len(phrase)
            if named and not strong:
                continue
            if phrase[0].startswith("=") and _shouting(text, start):
                continue
            if i + n > len(words) or not all(_word_matches(p, words[i + k][0]) for k, p in enumerate(phrase)):
                continue
            if any(text[words[i + k][2] : words[i + k + 1][1]].strip(" -'\u2019/") for k in range(n - 1)):
                continue
            if not kind:
                blocked = True
                break
            matched.append((i + n - 1, kind, strong))
        if blocked:
            continue
        for last, kind, strong in matched:
            yield start, words[last][2], kind, strong


_THIRD_REL = r"(?:my|our|his|her|their|the|a|an)\s+(?:[\w-]+\s+)?(?:" + _RELATIONS + r")\b(?:['\u2019]s)?"
_CUE = re.compile(
    r"(?i:(?P<rel>\b" + _THIRD_REL + r")"
    r"|(?P<pron3>\b(?:he|she)\b(?:['\u2019](?:s|d|ll))?)"
    r"|(?P<pos3>\b(?:his|her|him)\b)"
    r"|(?P<as_a>\bas\s+(?:an?\s+)?)"
    r"|(?P<i>\bI(?:['\u2019](?:m|ve|d))?\b|\bIm\b)"
    r"|(?P<we>\bwe(?:['\u2019](?:re|ve))?\b)"
    r"|(?P<my>\b(?:my|mine|myself|our)\b)"
    r"|(?P<me>\bme\b)"
    r"|(?P<being>\bbeing\b)"
    r"|(?P<dx>\b(?:diagnosed with|suffer(?:s|ed|ing)? (?:from|with)|living with|lives with|"
    r"recovering from|treated for|treatment for|struggl(?:e|es|ed|ing) with|caring for|care for)\b))"
)
_CUE_WORDS = {
    "rel": 6,
    "pron3": 5,
    "pos3": 2,
    "as_a": 3,
    "i": 5,
    "we": 3,
    "my": 2,
    "me": 4,
    "being": 2,
    "dx": 3,
}
_I_VERBS_FIRST = (wordlists.I_VERBS - {"a", "an", "myself", "both", "too", "since", "being"}) | {
    # "I haven't slept with my wife since...": a negation is still the writer's own matter.
    "haven't",
    "havent",
    "hadn't",
    "don't",
    "dont",
    "didn't",
    "didnt",
    "can't",
    "cant",
    "couldn't",
    "wasn't",
    "won't",
    "cannot",
    "fast",
    "fasted",
}
_WORD = re.compile(r"[\w'\u2019-]+")
_AFTER_CUE = re.compile(
    r"^\W*(?:[\w'\u2019-]+\W+){0,4}?(?:(?i:me|my|myself)\b|I(?:['\u2019](?:m|ve|d))?\s+(?!\w+ly\b)\w)"
)
_AFTER_THIRD = re.compile(r"^\W*(?:[\w'\u2019-]+\W+){0,4}?" + _THIRD_REL, re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[;:()]|,\s+(?=(?:but|and|although|though|which|because|so|while|whereas)\b)")
_HOME = re.compile(
    r"\b(?:my|our|the|a)\s+(?:next[- ]door\s+)?(?:neighbours?|neighbors?|man|woman|lady|family|people|"
    r"tenants?|couple|kids|children|guy|bloke|lad|boy|girl|occupants?|residents?|household)\s+"
    r"(?:at|in|from|living at|who lives? at|who live at)\s+(?:number|no\.?|#)\s*\d+[a-z]?\b"
    r"|\b(?:he|she|they|who)\s+lives?\s+at\s+(?:number|no\.?)\s*\d+[a-z]?\b",
    re.IGNORECASE,
)
# When one clause holds terms of several kinds, a strong term's kind wins over a weak one's
# ("sex offenders register" is criminal, not sexual life), then the first in this order.
_SPECIAL_ORDER = ("third_party", "sexual_life", "criminal", "ethnicity", "religion", "health")


# The writer in a term itself: "my skin", "my girlfriend and I".
_FIRST_PERSON_TERM = re.compile(r"\b(?:I|(?i:me|my|myself))\b")
# A parent or grandparent: their ethnicity, where the writer also speaks of themselves, is the
# writer's heritage ("My parents came over on the Windrush and I was born here").
_ANCESTOR = re.compile(
    r"\b(?:parents?|mum|mam|mom|mother|dad|father|grand\w*|gran|nan|nana|nanna|granny|grandad|"
    r"ancestors?|great-\w+)\b",
    re.IGNORECASE,
)
_WRITER = re.compile(
    r"\b(?:I|I['\u2019](?:m|ve|d)|(?i:me|myself))\b|(?i:\bmy\s+(?!(?:[\w-]+\s+)?(?:" + _RELATIONS + r")\b))"
)


_AND_I = re.compile(r"\s+(?:and|&)\s+(?:I\b|(?i:me|myself)\b)")


def _heritage(text: str, sent_start: int, sent_end: int, cue: str) -> bool:
    """A parent's or grandparent's ethnicity in a sentence where the writer speaks of themselves."""
    if not _ANCESTOR.search(cue):
        return False
    rest = text[sent_start:sent_end].replace(cue, " ", 1)
    return bool(_WRITER.search(rest))


def _writer_too(
    text: str, sent_start: int, sent_end: int, where: str, at: int, cue: str, term_kind: str
) -> bool:
    """Whether a relation before or after a term (the cue, found at ``at`` in ``where``) still
    means the writer: "my husband and I break the fast at the mosque", or a parent's ethnicity."""
    if _AND_I.match(where, at + len(cue)):
        return True
    return term_kind == "ethnicity" and _heritage(text, sent_start, sent_end, cue)


def _cue_subject(
    text: str, sent_start: int, sent_end: int, pre: str, best: tuple[str, int, str], term_kind: str
) -> str:
    if best[0] not in {"rel", "pron3", "pos3"}:
        return "self"
    writer = best[0] == "rel" and _writer_too(text, sent_start, sent_end, pre, best[1], best[2], term_kind)
    return "self" if writer else "other"


def _subject(
    text: str,
    sent_start: int,
    term_start: int,
    term_end: int,
    sent_end: int,
    strong: bool,
    term_kind: str = "",
) -> str | None:
    """Who a term is about: "self", "other" or None when nothing ties it to a person."""
    if _FIRST_PERSON_TERM.search(text[term_start:term_end]):
        return "self"
    pre = text[max(sent_start, term_start - 120) : term_start]
    best: tuple[str, int, str] | None = None
    for m in _CUE.finditer(pre):
        kind = m.lastgroup or ""
        between = _WORD.findall(pre[m.end() :])
        if len(between) > _CUE_WORDS[kind]:
            continue
        if kind == "i":
            words = [w.lower().lstrip("'\u2019") for w in between]
            # "I'm" carries its verb; after "I" or "I've" the next word must be a verb that
            # ties the term to the writer ("I have MS", "I've got diabetes").
            copula = m.group().lower().replace("\u2019", "'") in {"i'm", "im"}
            if words and words[0] not in _I_VERBS_FIRST and not copula:
                continue
            # With nothing between, the term itself must start with the verb: "I served time".
            term_verb = _WORD.match(text, term_start)
            first = term_verb.group().lower() if term_verb else ""
            if (
                not words
                and not m.group().lower().startswith(("i'm", "i\u2019m", "im"))
                and not (first in _I_VERBS_FIRST and (strong or " " in text[term_start:term_end]))
            ):
                continue
        if (
            kind == "we"
            and between
            and between[0].lower()
            not in {"are", "were", "re", "have", "ve", "go", "went", "both", "attend", "all"}
            and not m.group().lower().endswith(("re", "ve"))
        ):
            continue
        best = (kind, m.start(), m.group())
    if best:
        return _cue_subject(text, sent_start, sent_end, pre, best, term_kind)
    if strong:
        post = text[term_end : min(sent_end, term_end + 80)]
        if third := _AFTER_THIRD.match(post):
            writer = _writer_too(text, sent_start, sent_end, post, 0, third.group(), term_kind)
            return "self" if writer else "other"
        if _AFTER_CUE.match(post):
            return "self"
    return None


def _clause(text: str, start: int, end: int, sent_start: int, sent_end: int) -> tuple[int, int]:
    if sent_end - sent_start <= 240:
        return sent_start, sent_end
    left, right = sent_start, sent_end
    for m in _CLAUSE_BREAK.finditer(text, sent_start, sent_end):
        if m.end() <= start:
            left = m.end()
        elif m.start() >= end:
            right = m.start()
            break
    while left < right and text[left] in " ,":
        left += 1
    while right > left and text[right - 1] in " ,":
        right -= 1
    return left, right


# Readers of whole sentences that a higher layer registers (analysis registers one that
# reads by meaning): each takes sentences and returns a special kind or None for each.
SentenceClassifier = Callable[[Sequence[str]], Sequence[str | None]]
_sentence_classifiers: list[SentenceClassifier] = []


def register_sentence_classifier(classifier: SentenceClassifier) -> None:
    """Add a reader for the sentences the lexicons leave alone (idempotent)."""
    if classifier not in _sentence_classifiers:
        _sentence_classifiers.append(classifier)


def unregister_sentence_classifier(classifier: SentenceClassifier) -> None:
    if classifier in _sentence_classifiers:
        _sentence_classifiers.remove(classifier)


_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,60}\]")


def _classified(
    text: str, sentences: list[tuple[int, int]], taken: list[tuple[int, int]], names: list[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    """Sentences with no lexicon hit that a registered classifier reads as special.

    A sentence that names someone is already shown to the moderator for the name, and the
    classifier reads most sentences about a named person as someone else's details ("Mrs
    Bell on reception spoke to my mother..."), so there it says only the writer's own."""
    if not _sentence_classifiers:
        return []
    spans = [
        _trim(text, s, e)
        for s, e in sentences
        if not any(ts < e and s < te for ts, te in taken) and re.search(r"[A-Za-z]{3}", text[s:e])
    ]
    if not spans:
        return []
    # A moderator's redaction ("[personal details removed]") says nothing about the writer:
    # the classifier reads the sentence without it.
    read = [_PLACEHOLDER.sub(" ", text[s:e]) for s, e in spans]
    found: dict[tuple[int, int], str] = {}
    for classifier in _sentence_classifiers:
        for span, kind in zip(spans, classifier(read), strict=True):
            named = any(ns < span[1] and span[0] < ne for ns, ne in names)
            if kind == "criminal" and _at_work(text, *span):
                continue
            if kind in SPECIAL_KINDS and span not in found and not (named and kind == "third_party"):
                found[span] = kind
    return [(s, e, POSSIBLE + kind) for (s, e), kind in found.items()]


def _clause_kind(
    kinds: set[str],
    strong: set[str],
    own_strong: AbstractSet[str] = frozenset(),
    others: AbstractSet[tuple[str, bool]] = frozenset(),
) -> str:
    """The kind of a clause. Someone else's details win, except where the writer discloses
    their own (a strong term) and the other person's terms are weak ("I'm an atheist and
    don't want my children made to say prayers") or of the same inherited kind ("I'm mixed
    race, with a white mum and a Jamaican dad")."""
    writer_wins = not any(is_strong for _, is_strong in others) or (
        "ethnicity" in own_strong and all(k == "ethnicity" for k, _ in others)
    )
    if "third_party" in kinds and own_strong and others and writer_wins:
        kinds = (kinds - {"third_party"}) | set(own_strong)
    if "third_party" in kinds or "third_party_home" in kinds:
        return "third_party" if "third_party" in kinds else "third_party_home"
    chosen = (strong & kinds) or kinds
    return next(k for k in _SPECIAL_ORDER if k in chosen)


# The writer says what they do for a living, or why they were there: courts, police and
# prisons in that sentence are their work, not their record ("As a probation officer I
# think...", "I'm a journalist and I cover hearings at the Crown Court").
_AT_WORK = re.compile(
    r"\b(?:as\s+an?|i['\u2019]?m\s+an?|i\s+am\s+an?|i\s+work\s+as\s+an?|i\s+was\s+there\s+as\s+an?)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:solicitor|barrister|lawyer|usher|court\s+clerk|clerk|legal\s+adviser|paralegal|"
    r"journalist|reporter|magistrate|judge|juror|witness|interpreter|advocate|probation\s+officer|"
    r"police\s+officer|prison\s+officer|officer|social\s+worker|youth\s+worker|support\s+worker|caseworker|"
    r"chaplain|volunteer|mediator|security\s+guard|custody\s+sergeant|sergeant|constable|detective)s?\b"
    r"|\b(?:jury\s+service|my\s+employer|my\s+client|my\s+clients|for\s+work)\b",
    re.IGNORECASE,
)


_POSSESSED_CARER = re.compile(r"['\u2019]s\s(?i:carers?)\b")


def _at_work(text: str, start: int, end: int) -> bool:
    return bool(_AT_WORK.search(text[start:end]))


def _set_aside(text: str, sent: tuple[int, int], start: int, end: int, kind: str, strong: bool) -> bool:
    """A term that says nothing about anyone here: courts and prisons in a sentence about the
    writer's work; "my mum's carer, Leslie, comes in" (a job, like "her nurse")."""
    if kind == "criminal" and _at_work(text, *sent):
        return True
    return not strong and bool(_POSSESSED_CARER.match(text, max(0, start - 3), end))


def _note_whose(
    span: tuple[int, int],
    kind: str,
    strong: bool,
    who: str,
    own_strong: dict[tuple[int, int], set[str]],
    others: dict[tuple[int, int], set[tuple[str, bool]]],
) -> None:
    if who == "other":
        others.setdefault(span, set()).add((kind, strong))
    elif strong:
        own_strong.setdefault(span, set()).add(kind)


def _specials(text: str, names: list[tuple[int, int]], models: bool = True) -> list[tuple[int, int, str]]:
    hits: dict[tuple[int, int], set[str]] = {}
    strong_kinds: dict[tuple[int, int], set[str]] = {}
    own_strong: dict[tuple[int, int], set[str]] = {}  # the writer's own matters, by strong terms
    others: dict[tuple[int, int], set[tuple[str, bool]]] = {}  # someone else's: (kind, strong)
    sentences: list[tuple[int, int]] | None = None
    for start, end, kind, strong in _lexicon_hits(text):
        if any(s <= start and end <= e for s, e in names):
            continue  # "Mrs Brown", "12 Church Lane": part of a name or an address
        if sentences is None:
            sentences = _sentences(text)
        sent = next(((s, e) for s, e in sentences if s <= start < e), None)
        if sent is None or _set_aside(text, sent, start, end, kind, strong):
            continue
        who = _subject(text, sent[0], start, end, sent[1], strong, kind)
        if who is None:
            continue
        span = _clause(text, start, end, *sent)
        hits.setdefault(span, set()).add("third_party" if who == "other" else kind)
        _note_whose(span, kind, strong, who, own_strong, others)
        if strong:
            strong_kinds.setdefault(span, set()).add(kind)
    for m in _HOME.finditer(text):
        if sentences is None:
            sentences = _sentences(text)
        sent = next(((s, e) for s, e in sentences if s <= m.start() < e), None)
        if sent:
            hits.setdefault(_clause(text, m.start(), m.end(), *sent), set()).add("third_party_home")
    out = [
        (
            s,
            e,
            _clause_kind(
                kinds,
                strong_kinds.get((s, e), set()),
                own_strong.get((s, e), set()),
                others.get((s, e), set()),
            ),
        )
        for (s, e), kinds in hits.items()
    ]
    if models and _sentence_classifiers:
        out.extend(_classified(text, sentences or _sentences(text), [(s, e) for s, e, _ in out], names))
    return out


# --- Putting it together.

_PRIORITY = ["email", "known_name", "ni_number", "postcode", "reference", "phone", "address", "name"]


# Finders of people's names that a higher layer or setting registers (a statistical
# model, chorus.core.person_names): each takes texts and returns character spans for each.
NameFinder = Callable[[Sequence[str]], Sequence[Sequence[tuple[int, int]]]]
_name_finders: list[NameFinder] = []


def register_name_finder(finder: NameFinder) -> None:
    """Add a finder of names beside the rules (idempotent)."""
    if finder not in _name_finders:
        _name_finders.append(finder)


def unregister_name_finder(finder: NameFinder) -> None:
    if finder in _name_finders:
        _name_finders.remove(finder)


def _found_names(
    text: str, tokens: list[_Token], spans: Sequence[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    return [(s, e, "name") for s, e in spans if _plausible_person(text, tokens, s, e)]


def _place_context(tokens: list[_Token], i: int) -> bool:
    """Whether one unfamiliar word reads as a place from the words before it: "in Rhyl",
    "flew to Glasgow", "the village, Aberporth"."""
    before = [t.lower for t in tokens[max(0, i - 2) : i]]
    if before and (before[-1] in wordlists.PLACE_PREPOSITIONS or before[-1] in wordlists.PLACE_WORDS):
        return True
    return len(before) == 2 and before[1] in ("to", "from") and before[0] in wordlists.TRAVEL_WORDS


def _everyday(token: _Token) -> bool:
    """An everyday word, or "the", that is not also a given name."""
    word = token.lower
    return word == "the" or (word in wordlists.common_words() and word not in given_names())


# Words before a span that make it a saint's, a monarch's or a place's name ("North Shields").
_NOT_BEFORE_PERSON = frozenset(
    {"st", "saint", "queen", "king", "prince", "princess", "pope", "north", "south", "east", "west"}
)
# NOT_NAME without the words that are names too ("Will", "May": the rules' cases).
_MODEL_NOT_NAME = wordlists.NOT_NAME - {"will", "may", "june", "april", "august", "sister"}


def _plausible_person(text: str, tokens: list[_Token], start: int, end: int) -> bool:
    """Whether a span a model reads as a person could be a private person's name: see
    ``_name_words`` and ``_organisation_around``; one word must be a known given name or an
    unfamiliar word that is not a place ("in Rhyl"); and not a label and a letter ("Plan A")."""
    inside = _name_words(text, tokens, start, end)
    if not inside:
        return False
    first, last = tokens.index(inside[0]), tokens.index(inside[-1])
    if _organisation_around(text, tokens, first, last):
        return False
    common = wordlists.common_words()
    if len(inside) == 1:
        word = inside[0].lower
        return word in given_names() or (word not in common and not _place_context(tokens, first))
    return not (len(inside[1].text) == 1 and inside[0].lower in common)


def _name_words(text: str, tokens: list[_Token], start: int, end: int) -> list[_Token]:
    """The span's words that may make a name, or none: no digits or line breaks; no
    organisation, brand, festival, place or other non-name word ("Lidl", "Eid", "Park");
    no brand's inner capital ("BofA"); everyday words at the start dropped ("Contacting
    Experian") and none at the end but a surname ("Midwest Recovery"); every word
    capitalised but name particles."""
    inside = [t for t in tokens if start <= t.start < end]
    if not inside or _DIGIT.search(text, start, end) or "\n" in text[start:end]:
        return []
    if any(
        t.lower in wordlists.NOT_A_PERSON
        or t.lower in wordlists.PLACE_WORDS
        or t.lower in _MODEL_NOT_NAME
        or t.lower in _IDENTITY_WORDS
        or _brand_capitals(t)
        for t in inside
    ):
        return []
    # A religion's or an ethnicity's term ("Sabbath", "Hajj", "Yoruba") is not a name.
    window = max(0, start - 40)
    if any(window + s < end and start < window + e for s, e, _, _ in _lexicon_hits(text[window : end + 40])):
        return []
    while len(inside) > 1 and _everyday(inside[0]):
        inside = inside[1:]
    if len(inside) > 1 and _everyday(inside[-1]) and inside[-1].lower not in surnames():
        return []
    if not (inside[0].cap and inside[-1].cap) or any(
        not t.cap and t.lower not in _SURNAME_PARTICLES for t in inside
    ):
        return []
    return inside


def _organisation_around(text: str, tokens: list[_Token], first: int, last: int) -> bool:
    """Whether the words around tokens first..last make them a saint's, a monarch's or a
    business's name: "St Mary's", "Queen Elizabeth", "Rushcliffe hub", "Applewood Funding",
    "The Rose and Crown", "Marks and Spencer"."""
    before = tokens[first - 1] if first else None
    if tokens[first].lower in ("st", "saint") or (
        before is not None and before.cap and before.lower in _NOT_BEFORE_PERSON
    ):
        return True
    if _org_after(tokens, last, text):
        return True
    after = tokens[last + 1] if last + 1 < len(tokens) else None
    if (
        after is not None
        and text[tokens[last].end : after.start] == " "
        and after.lower in wordlists.ORGANISATION_AFTER
    ):
        return True
    partner = tokens[last + 2] if last + 2 < len(tokens) else None
    return (
        partner is not None
        and text[tokens[last].end : partner.start] in (" and ", " & ")
        and partner.cap
        and partner.lower in wordlists.common_words()
        and partner.lower not in given_names()
    )


_DIGIT = re.compile(r"\d")
# A masked date in exported complaints, "XX/XX/2019": not a reference, even after "payment".
_MASKED = re.compile(r"(?=(?:\D*\d){0,4}\D*$)[Xx\d/-]+")


def _point_items(
    text: str, known: KnownNames | None, model_names: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int, str]]:
    items: list[tuple[int, int, str]] = []
    if "@" in text:
        items.extend((m.start(), m.end(), "email") for m in EMAIL.finditer(text))
    if _DIGIT.search(text):  # everything below but names has a digit
        for kind, pattern in (("ni_number", NI_NUMBER), ("postcode", POSTCODE), ("phone", PHONE)):
            items.extend((m.start(), m.end(), kind) for m in pattern.finditer(text))
        for pattern in (REFERENCE_CUED, REFERENCE_NHS, REFERENCE_334):
            items.extend(
                (m.start(1), m.end(1), "reference")
                for m in pattern.finditer(text)
                if not _MASKED.fullmatch(m.group(1))
            )
        # After a plain "number" a phone number is a phone number: "my number is 07700 900123".
        items.extend(
            (m.start(1), m.end(1), "reference")
            for m in REFERENCE_NUMBERED.finditer(text)
            if not PHONE.match(text, m.start(1))
        )
        items.extend((m.start(), m.end(), "reference") for m in REFERENCE_MIXED.finditer(text))
        items.extend((m.start(), m.end(), "reference") for m in REFERENCE_LONG.finditer(text))
        phones = [(m.start(), m.end()) for m in PHONE.finditer(text)]
        items.extend(
            (m.start(), m.end(), "reference")
            for m in REFERENCE_GROUPED.finditer(text)
            if _grouped_reference(m) and not any(s < m.end() and m.start() < e for s, e in phones)
        )
        items.extend(
            (m.start(1), m.end(1), "reference")
            for m in REFERENCE_LATE.finditer(text)
            if not PHONE.match(text, m.start(1))
        )
    items.extend(_addresses(text, numbered=bool(_DIGIT.search(text))))
    tokens = _tokens(text)
    items.extend(_names(text, tokens, known))
    items.extend(_found_names(text, tokens, model_names))
    # By priority, then the longest first; drop whatever overlaps a passage already chosen.
    items.sort(key=lambda it: (_PRIORITY.index(it[2]), it[0] - it[1]))
    chosen: list[tuple[int, int, str]] = []
    for item in items:
        if not any(item[0] < e and s < item[1] for s, e, _ in chosen):
            chosen.append(item)
    return chosen


def _passage(text: str, start: int, end: int, reason_key: str) -> Passage:
    kind = reason_key.removeprefix(POSSIBLE)
    if reason_key == "known_name":
        kind = "name"
    elif reason_key == "third_party_home":
        kind = "third_party"
    return Passage(
        kind, start, end, text[start:end], REASONS[reason_key], possible=reason_key.startswith(POSSIBLE)
    )


def find_passages(text: str, *, known_names: Iterable[str] = ()) -> list[Passage]:
    """Every passage a moderator should check, in order and without overlaps."""
    return find_passages_many([text], known_names=known_names)[0]


_BATCH = 256


def find_passages_many(
    texts: Sequence[str], *, known_names: Iterable[str] = (), models: bool = True
) -> list[list[Passage]]:
    """``find_passages`` for each text, with the name finders and sentence classifiers
    reading a batch of texts at a time (much faster for many texts than one by one).
    ``models=False`` uses the word lists and rules alone, about ten times faster."""
    known = known_names if isinstance(known_names, KnownNames) else KnownNames(known_names)
    out: list[list[Passage]] = []
    for begin in range(0, len(texts), _BATCH):
        batch = list(texts[begin : begin + _BATCH])
        found = [finder(batch) for finder in _name_finders] if models else []
        if models and _sentence_classifiers and len(batch) > 1:
            # The shipped classifier remembers what it has read: one call for the batch.
            sentences = [text[s:e] for text in batch for s, e in (_trim(text, *b) for b in _sentences(text))]
            for classifier in _sentence_classifiers:
                classifier(sentences)
        for k, text in enumerate(batch):
            model_names = [span for spans in found for span in spans[k]]
            out.append(_passages(text, known, model_names, models) if text else [])
    return out


def _passages(
    text: str, known: KnownNames, model_names: list[tuple[int, int]], models: bool
) -> list[Passage]:
    points = _point_items(text, known, model_names)
    passages = [_passage(text, s, e, k) for s, e, k in points]
    # Special-category sentences go around the points inside them, in pieces; pieces
    # with no words are dropped. Overlapping sentences (clauses) are merged first.
    specials = sorted(
        _specials(text, [(s, e) for s, e, k in points if k in ("name", "known_name", "address")], models)
    )
    merged: list[tuple[int, int, str]] = []
    for s, e, k in specials:
        if merged and s < merged[-1][1]:
            ps, pe, pk = merged[-1]
            keep = pk if _rank(pk) <= _rank(k) else k
            merged[-1] = (ps, max(pe, e), keep)
        else:
            merged.append((s, e, k))
    for s, e, k in merged:
        cursor = s
        for ps, pe, _ in sorted(p for p in points if p[0] < e and s < p[1]):
            if ps > cursor and re.search(r"\w", text[cursor:ps]):
                passages.append(_passage(text, *_trim(text, cursor, ps), k))
            cursor = max(cursor, pe)
        if cursor < e and re.search(r"\w", text[cursor:e]):
            passages.append(_passage(text, *_trim(text, cursor, e), k))
    return sorted(passages, key=lambda p: p.start)


def _rank(key: str) -> tuple[int, bool]:
    """Which of two overlapping clauses' kinds a merged passage keeps: the first in
    ``_SPECIAL_ORDER``, and of the same kind, a word list's over a classifier's."""
    order = ("third_party", "third_party_home", *_SPECIAL_ORDER[1:])
    return order.index(key.removeprefix(POSSIBLE)), key.startswith(POSSIBLE)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " ,;:":
        start += 1
    while end > start and text[end - 1] in " ,;:":
        end -= 1
    return start, end
