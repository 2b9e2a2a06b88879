"""`python -m bot evaluate --folds K`: K-fold cross-validation over the training data and the
held-out messages together, so the figure does not depend on one split.

Each fold trains a real Rasa model (config.yml, domain.yml, rules and stories unchanged) on the
other folds' messages and is scored on its own; messages are dealt to folds per language and
intent, so every fold has every language and intent. Takes about a training per fold.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from bot.evaluation import Example, Prediction, held_out_examples, load_examples, mark_shared_spellings, predict, write_examples
from bot.nlu_model import NluModel
from bot.settings import LANGUAGES, PROJECT_ROOT


def pool() -> list[Example]:
    """Every labelled message: the training data and the held-out sets."""
    examples = []
    for language in LANGUAGES:
        for path in sorted((PROJECT_ROOT / "nlu_data" / language).glob("*.yml")):
            examples += [Example(e.text, e.expected, language) for e in load_examples(path)]
        examples += held_out_examples(language)
    return examples


def held_out_only(predictions: dict[str, list[Prediction]]) -> dict[str, list[Prediction]]:
    """The cross-validated predictions of the held-out messages alone: phone-style messages,
    against the training data's long tail of one-of-a-kind phrasings (docs/evaluation.md)."""
    held_out = {(e.text, e.language) for e in held_out_examples()}
    return {language: [p for p in items if (p.text, p.language) in held_out] for language, items in predictions.items()}


def split(examples: list[Example], folds: int, seed: int = 7) -> list[list[Example]]:
    """Deal examples to `folds` folds, stratified by (language, intent), reproducibly."""
    groups: dict[tuple[str, str], list[Example]] = defaultdict(list)
    for example in examples:
        groups[(example.language, example.expected)].append(example)
    dealt: list[list[Example]] = [[] for _ in range(folds)]
    rng = random.Random(seed)
    offset = 0
    for key in sorted(groups):
        items = groups[key][:]
        rng.shuffle(items)
        for index, example in enumerate(items):
            dealt[(index + offset) % folds].append(example)
        offset += len(items)
    return dealt


def write_fold_data(target: Path, training: list[Example]) -> None:
    """One fold's training data: the rules and stories unchanged, the examples in `target/<lang>/data.yml`."""
    target.mkdir(parents=True)
    for name in ("rules.yml", "stories.yml"):
        shutil.copy(PROJECT_ROOT / "nlu_data" / name, target / name)
    write_examples(target, training, "data.yml")


def cross_validate(folds: int, faq_keys: set[str], threshold: float) -> dict[str, list[Prediction]]:
    """Predictions for every message, each made by a model that did not see it."""
    dealt = split(pool(), folds)
    predictions: dict[str, list[Prediction]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="drom-cv-") as tmp:
        for index, test in enumerate(dealt):
            training = [e for i, fold in enumerate(dealt) if i != index for e in fold]
            data = Path(tmp) / f"fold{index}"
            write_fold_data(data, training)
            print(f"fold {index + 1}/{folds}: training on {len(training)} messages, testing on {len(test)}",
                  file=sys.stderr, flush=True)  # standard output belongs to the report or --json
            completed = subprocess.run(
                [str(Path(sys.executable).parent / "rasa"), "train", "--config", "config.yml", "--domain", "domain.yml",
                 "--data", str(data), "--out", tmp, "--fixed-model-name", f"fold{index}"],
                cwd=PROJECT_ROOT, capture_output=True, text=True,
            )
            if completed.returncode != 0:
                raise RuntimeError(f"Training fold {index + 1} failed:\n{completed.stdout[-2000:]}{completed.stderr[-2000:]}")
            model = NluModel(Path(tmp) / f"fold{index}.tar.gz", faq_keys)
            for language, items in asyncio.run(predict(model, test, threshold)).items():
                predictions[language] += items
    return mark_shared_spellings(dict(predictions))
