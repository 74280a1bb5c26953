"""Writes of the analysis app, split along their seams:

- ``runs``: starting an analysis, running it, storing what the engine found;
- ``models_cache``: the models a finished run scores new texts with;
- ``assignment``: texts that arrive later, assigned to live analyses, and texts taken back;
- ``edits``: analysts' changes to themes, each recorded in ``ThemeChange``;
- ``stored``: vectors, items and counts as stored, shared by the others.

Callers import from here: ``from chorus.analysis.services import run_create``.
"""

from chorus.analysis.services.assignment import (
    assign_new_items,
    erased_comments_drop,
    items_assign,
    responses_added,
    texts_added,
)
from chorus.analysis.services.edits import (
    item_sentiment_set,
    items_move,
    theme_create,
    theme_delete,
    theme_lock,
    theme_merge,
    theme_rename,
    theme_split,
)
from chorus.analysis.services.models_cache import (
    embedder_for_run,
    tuned_sentiment_folder,
    tuned_sentiment_prune,
)
from chorus.analysis.services.runs import LOCKED_MATCH, run_analysis, run_create, run_execute, run_retry
from chorus.analysis.services.stored import vector_of

__all__ = [
    "LOCKED_MATCH",
    "assign_new_items",
    "embedder_for_run",
    "erased_comments_drop",
    "item_sentiment_set",
    "items_assign",
    "items_move",
    "responses_added",
    "run_analysis",
    "run_create",
    "run_execute",
    "run_retry",
    "texts_added",
    "theme_create",
    "theme_delete",
    "theme_lock",
    "theme_merge",
    "theme_rename",
    "theme_split",
    "tuned_sentiment_folder",
    "tuned_sentiment_prune",
    "vector_of",
]
