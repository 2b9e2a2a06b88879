"""Held-out evaluation: how often the model gets the FAQ key or intent, and the language, right.

The held-out messages live in `tests/nlu/<lang>.yml` (Rasa NLU format, never in nlu_data/).
The language is judged as `python -m bot ask` reports it: the detected language when confident,
else English, as at the start of a conversation with no channel hint.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.language_choice import resolve_language
from bot.nlu_model import NluModel


@dataclass(frozen=True)
class Example:
    text: str
    expected: str  # a FAQ key or a general intent
    language: str


@dataclass
class LanguageScore:
    language: str
    total: int = 0
    intent_correct: int = 0
    language_correct: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # text, expected, predicted
    predicted_languages: Counter = field(default_factory=Counter)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / self.total if self.total else 0.0

    @property
    def language_accuracy(self) -> float:
        return self.language_correct / self.total if self.total else 0.0


def load_examples(path: Path) -> list[Example]:
    """Read a held-out file; its name (`sk.yml`) is the language of every example in it."""
    language = path.stem
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples = []
    for block in data.get("nlu", []):
        for line in str(block.get("examples", "")).splitlines():
            text = line.strip().removeprefix("- ").strip()
            if text:
                examples.append(Example(text=text, expected=block["intent"], language=language))
    return examples


async def evaluate(model: NluModel, examples: list[Example], threshold: float) -> dict[str, LanguageScore]:
    scores: dict[str, LanguageScore] = {}
    for example in examples:
        score = scores.setdefault(example.language, LanguageScore(example.language))
        parse = await model.parse(example.text)
        predicted = parse.faq or parse.intent
        language = resolve_language(
            current=None, chosen=False, detection=parse.detection, hint=None, threshold=threshold
        )
        score.total += 1
        score.intent_correct += predicted == example.expected
        score.language_correct += language == example.language
        score.predicted_languages[language] += 1
        if predicted != example.expected:
            score.errors.append((example.text, example.expected, predicted))
    return scores
