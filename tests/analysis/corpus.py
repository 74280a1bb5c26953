"""A small made-up corpus with three clear topics, for the analysis tests."""

from __future__ import annotations

import random

TOPICS = {
    "waiting": [
        "I waited {n} hours at the court and nobody told us why the hearing was late",
        "The hearing started {n} hours late and we had no explanation for the delay",
        "Long delays, my case was heard {n} hours after the time on the letter",
        "We sat in the waiting area for {n} hours before the hearing began",
    ],
    "phone": [
        "Nobody answered the phone line, I was on hold for {n} minutes",
        "The helpline kept me on hold for {n} minutes and then hung up",
        "I rang the phone number {n} times and could not get through to anyone",
        "Calling the contact centre is hopeless, {n} minutes waiting on the line",
    ],
    "staff": [
        "The usher was kind and explained everything, thank you",
        "Staff at the counter were friendly, patient and helpful",
        "The clerk was polite and helped my mother fill in the form",
        "Lovely helpful staff who made a stressful day easier",
    ],
}


def corpus(per_topic: int = 30, seed: int = 1) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, labels = [], []
    for topic, templates in TOPICS.items():
        for _ in range(per_topic):
            texts.append(rng.choice(templates).format(n=rng.randint(2, 90)))
            labels.append(topic)
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[i] for i in order], [labels[i] for i in order]
