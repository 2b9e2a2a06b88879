"""What a higher fallback threshold would trade: fewer out-of-scope questions answered with a FAQ
against more known questions answered "I don't know" (with the champion button).

Rasa's FallbackClassifier (config.yml, `threshold`) turns a message whose best intent is less
confident than the threshold into "I don't know". The evaluation keeps each message's confidence,
so the same predictions can be replayed at any higher threshold without retraining: below it, an
answer becomes out of scope. A lower threshold cannot be replayed (the fallback has already
happened), so the table starts at the configured one.
"""

from __future__ import annotations

import json
import tarfile
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from bot.evaluation import OUT_OF_SCOPE, Prediction
from bot.settings import PROJECT_ROOT

STEPS = (0.0, 0.1, 0.2, 0.3, 0.4)  # added to the configured threshold


@dataclass(frozen=True)
class ThresholdRow:
    threshold: float
    accuracy: float
    oos_answered_with_faq: int
    oos_total: int
    answers_lost: int  # right at the configured threshold, "I don't know" at this one

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def configured_threshold(config: Path = PROJECT_ROOT / "config.yml") -> float:
    """The FallbackClassifier's threshold in config.yml (Rasa's default, 0.3, when it has none)."""
    pipeline = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("pipeline") or []
    for component in pipeline:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3))
    raise ValueError(f"{config} has no FallbackClassifier; add one, or do not ask for the threshold table.")


def trained_threshold(model: Path) -> float:
    """The FallbackClassifier's threshold that `model` (a Rasa .tar.gz) was trained with, which
    differs from config.yml's when the model is an older one or came from elsewhere (`--model`)."""
    with tarfile.open(model, "r:gz") as archive:
        member = archive.extractfile("metadata.json")
        if member is None:
            raise ValueError(f"{model} has no metadata.json: is it a Rasa model? Retrain with `make train`.")
        nodes = json.load(member)["predict_schema"]["nodes"]
    for node in nodes.values():
        if node["uses"].endswith(".FallbackClassifier"):
            return float(node["config"].get("threshold", 0.3))
    raise ValueError(f"{model} has no FallbackClassifier; add one to config.yml and retrain, or do not ask for the threshold table.")


def at_threshold(prediction: Prediction, threshold: float) -> Prediction:
    """The prediction as it would be with the fallback at `threshold`."""
    if prediction.predicted == OUT_OF_SCOPE or prediction.confidence >= threshold:
        return prediction
    return replace(prediction, predicted=OUT_OF_SCOPE, answered_with_faq=False, offered=())


def sweep(predictions: list[Prediction], configured: float) -> list[ThresholdRow]:
    """One row per threshold from the configured one upwards."""
    rows = []
    for step in STEPS:
        threshold = round(configured + step, 2)
        replayed = [at_threshold(p, threshold) for p in predictions]
        oos = [p for p in replayed if p.expected == OUT_OF_SCOPE]
        rows.append(ThresholdRow(
            threshold=threshold,
            accuracy=sum(p.expected == p.predicted for p in replayed) / len(replayed) if replayed else 0.0,
            oos_answered_with_faq=sum(p.answered_with_faq for p in oos),
            oos_total=len(oos),
            answers_lost=sum(before.expected == before.predicted != after.predicted
                             for before, after in zip(predictions, replayed)),
        ))
    return rows
