"""Chorus's text analysis engine: plain Python, no Django.

Usable from a notebook, a benchmark or the `chorus analyse` command::

    from chorus.analysis.engine import analyse, embedder_for
    result = analyse(texts, embedder=embedder_for("fast"))
    for theme in result.themes: print(theme.label, theme.share)

The Django side (`chorus.analysis`) stores what this returns and runs it as tasks.
"""

from chorus.analysis.engine.embed import Embedder, embedder_for
from chorus.analysis.engine.pipeline import Analysis, Theme, analyse

__all__ = ["Analysis", "Embedder", "Theme", "analyse", "embedder_for"]
