"""Held-out evaluation: how often the model gets the FAQ key or intent, and the language, right.

The held-out messages live in `tests/nlu/<lang>.yml` (Rasa NLU format, never in nlu_data/).
The language is judged as `python -m bot ask` reports it: the detected language when confident,
else English, as at the start of a conversation with no channel hint. A message written the same
way in several languages' sets ("gp prosim" is Romani and Slovak) is identified correctly in any
of them; the strict figure, which counts only the set's own language, is reported beside it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from bot.language_choice import resolve_language
from bot.languages import fold
from bot.nlu_model import NluModel
from bot.settings import LANGUAGES, PROJECT_ROOT

HELD_OUT_DIR = PROJECT_ROOT / "tests" / "nlu"


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
    language_correct: int = 0  # in its language, or in another language written the same way
    language_strict: int = 0  # in its own language only
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # text, expected, predicted
    language_errors: list[tuple[str, str]] = field(default_factory=list)  # text, language answered in
    predicted_languages: Counter = field(default_factory=Counter)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / self.total if self.total else 0.0

    @property
    def language_accuracy(self) -> float:
        return self.language_correct / self.total if self.total else 0.0

    @property
    def language_accuracy_strict(self) -> float:
        return self.language_strict / self.total if self.total else 0.0


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


def held_out_examples(language: str | None = None, directory: Path = HELD_OUT_DIR) -> list[Example]:
    """The held-out messages (`tests/nlu/<lang>.yml`, or `<lang>.yml` in another `directory`, such
    as a sealed blind round) of one language, or of all five."""
    languages = [language] if language else LANGUAGES
    missing = [lang for lang in languages if not (directory / f"{lang}.yml").is_file()]
    if missing:
        raise FileNotFoundError(f"No {', '.join(f'{lang}.yml' for lang in missing)} in {directory}: a set of "
                                "messages needs one file per language, in the format of tests/nlu/<lang>.yml.")
    return [e for lang in languages for e in load_examples(directory / f"{lang}.yml")]


def write_examples(target: Path, examples: list[Example], filename: str) -> None:
    """Write examples as Rasa training data, `target/<lang>/<filename>`, one block per intent with
    `metadata: {language: <lang>}` (the inverse of `load_examples`, used for generated data)."""
    by_language: dict[str, dict[str, list[str]]] = {}
    for example in examples:
        by_language.setdefault(example.language, {}).setdefault(example.expected, []).append(example.text)
    for language, intents in by_language.items():
        nlu = [{"intent": intent, "metadata": {"language": language}, "examples": "".join(f"- {t}\n" for t in texts)}
               for intent, texts in intents.items()]
        (target / language).mkdir(parents=True, exist_ok=True)
        with open(target / language / filename, "w", encoding="utf-8") as handle:
            yaml.safe_dump({"version": "3.1", "nlu": nlu}, handle, allow_unicode=True, sort_keys=False)


OUT_OF_SCOPE = "out_of_scope"  # the expected label of a question Drom should not answer


@dataclass(frozen=True)
class Prediction:
    text: str
    language: str  # the language the message is written in
    expected: str
    predicted: str  # FAQ key or intent
    predicted_language: str
    answered_with_faq: bool = False  # a FAQ key answered or offered (not a general intent or a topic menu)
    offered: tuple[str, ...] = ()  # when Drom asked which of two answers was meant (bot.clarification)
    also_written_in: frozenset[str] = frozenset()  # other languages with the same message (folded)
    confidence: float = 1.0  # the model's confidence in `predicted` (bot.fallback_threshold replays it)

    def language_right(self, guess: str | None) -> bool:
        """Whether `guess` is a right language for this message (see the module docstring)."""
        return guess == self.language or guess in self.also_written_in


def mark_shared_spellings(predictions: dict[str, list[Prediction]]) -> dict[str, list[Prediction]]:
    """Note, on every prediction, the other languages whose messages include the same text."""
    written_in: dict[str, set[str]] = {}
    for items in predictions.values():
        for p in items:
            written_in.setdefault(fold(p.text).strip(" ?!.,"), set()).add(p.language)
    return {
        language: [replace(p, also_written_in=frozenset(written_in[fold(p.text).strip(" ?!.,")] - {p.language}))
                   for p in items]
        for language, items in predictions.items()
    }


async def predict(model: NluModel, examples: list[Example], threshold: float) -> dict[str, list[Prediction]]:
    """The model's FAQ key or intent and language for every example, grouped by language."""
    predictions: dict[str, list[Prediction]] = {}
    for example in examples:
        parse = await model.parse(example.text)
        language = resolve_language(
            current=None, chosen=False, detection=parse.detection, hint=None, threshold=threshold
        )
        predictions.setdefault(example.language, []).append(
            Prediction(example.text, example.language, example.expected, parse.faq or parse.intent, language,
                       answered_with_faq=parse.faq is not None or any(c in model.faq_keys for c in parse.clarify),
                       offered=parse.clarify, confidence=parse.confidence)
        )
    return mark_shared_spellings(predictions)


def scores_of(predictions: dict[str, list[Prediction]]) -> dict[str, LanguageScore]:
    scores: dict[str, LanguageScore] = {}
    for language, items in predictions.items():
        score = scores.setdefault(language, LanguageScore(language))
        for p in items:
            score.total += 1
            score.intent_correct += p.predicted == p.expected
            score.language_correct += p.language_right(p.predicted_language)
            score.language_strict += p.predicted_language == language
            score.predicted_languages[p.predicted_language] += 1
            if not p.language_right(p.predicted_language):
                score.language_errors.append((p.text, p.predicted_language))
            if p.predicted != p.expected:
                score.errors.append((p.text, p.expected, p.predicted))
    return scores


async def evaluate(model: NluModel, examples: list[Example], threshold: float) -> dict[str, LanguageScore]:
    return scores_of(await predict(model, examples, threshold))
