"""Optional: an OpenAI-compatible chat endpoint rewrites theme labels and descriptions.

Given a theme's keyphrases and representative quotes (already redacted: no personal data
leaves Chorus), the model returns JSON with a short label and a one-line description.
Anything wrong with the reply (no connection, not JSON, too long, empty) keeps the
label the engine made: nothing depends on the endpoint.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass

logger = logging.getLogger(__name__)

PROMPT = (
    "You name themes in public consultation responses and service feedback for UK public "
    "servants. Given key phrases and example responses from one theme, reply with JSON only: "
    '{"label": "<a plain-English name of at most 8 words>", "description": "<one sentence, at '
    'most 30 words, saying what these responses raise>"}. Use British English. Do not invent '
    "facts that are not in the examples."
)


@dataclass(frozen=True)
class Rewritten:
    label: str
    description: str


class ChatLabeller:
    def __init__(self, base_url: str, model: str, api_key: str = "", timeout: float = 30.0) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("The chat endpoint must be an http:// or https:// address.")
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout

    def rewrite(self, keyphrases: Sequence[str], quotes: Sequence[str]) -> Rewritten | None:
        content = (
            "Key phrases: "
            + "; ".join(keyphrases[:8])
            + "\nExamples:\n"
            + "\n".join(f"- {q[:400]}" for q in quotes[:5])
        )
        body = {
            "model": self.model,
            "temperature": 0,
            "messages": [{"role": "system", "content": PROMPT}, {"role": "user", "content": content}],
        }
        request = urllib.request.Request(  # noqa: S310 (address checked above)
            self.url, data=json.dumps(body).encode(), method="POST"
        )
        request.add_header("Content-Type", "application/json")
        if self.api_key:
            request.add_header("Authorization", f"Bearer {self.api_key}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:  # noqa: S310  # nosec B310
                answer = json.load(reply)["choices"][0]["message"]["content"]
        except (OSError, urllib.error.URLError, ValueError, KeyError, IndexError, TypeError) as error:
            logger.warning("Theme label rewriting failed: %s", error)
            return None
        return parse(answer)


def parse(answer: str) -> Rewritten | None:
    """The label and description from the model's reply, or None when it is unusable."""
    text = answer.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        data = json.loads(text[start : end + 1])
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    label = " ".join(str(data.get("label", "")).split())
    description = " ".join(str(data.get("description", "")).split())
    if not label or len(label) > 80 or len(label.split()) > 10 or len(description) > 300:
        return None
    return Rewritten(label=label, description=description)
