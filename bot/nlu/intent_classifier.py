"""Rasa's logistic-regression intent classifier, tuned for Drom, and predicting without copying
its coefficients on every message (bot/nlu/coefficients.py) or rebuilding its feature row through
two SciPy stacks.

With about thirty intents and sparse count features, Rasa's fixed C=1 spreads the probability
thinly, so clear questions fall under the fallback threshold. A larger C gives confident
predictions on the questions the model knows and still leaves unknown ones low.

Rasa balances the classes (each intent weighs in inverse proportion to its examples). That makes
`out_of_scope`, the largest class, the lightest, so a question that shares a few words with a FAQ
is pulled towards the FAQ: the worst error, a confident wrong answer. `class_weight_factors`
multiplies chosen classes' balanced weights (`out_of_scope: 6` in config.yml; docs/evaluation.md,
the eleventh session).

With `embedding_weight` above 0, a second logistic regression reads the message's multilingual
sentence embedding (the dense feature of bot/nlu/sentence_embedding_featurizer.py), and the two
models' probabilities are blended geometrically: p ∝ counts^(1 - weight) * embedding^weight. The
counts know the words and the concepts; the embedding knows what a message means when its words
are new. Averaging the probabilities instead flattened them where the models disagree, so Drom
asked "which of these?" twice as often and Romani lost (docs/evaluation.md, the sixteenth session).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import skops.io
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import RANKING_LENGTH
from scipy.sparse import csr_matrix, vstack
from sklearn.linear_model import LogisticRegression
from sklearn.utils.class_weight import compute_class_weight

from bot.nlu.coefficients import column_major
from bot.nlu.sparse_rows import one_row


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TunedLogisticRegressionClassifier(LogisticRegressionClassifier):
    """`LogisticRegressionClassifier` plus `C` (inverse regularisation strength),
    `class_weight_factors` ({intent: factor} on top of the balanced class weights) and
    `embedding_weight` / `embedding_C` (the blend with a model of the sentence embedding)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0, "class_weight_factors": {},
                "embedding_weight": 0.0, "embedding_C": 100.0}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if not 0.0 <= float(config.get("embedding_weight", 0.0)) < 1.0:
            raise ValueError("TunedLogisticRegressionClassifier: embedding_weight must be from 0 to below 1, "
                             f"not {config.get('embedding_weight')!r}; see config.yml.")

    def __init__(
        self, config: dict[str, Any], name: str, model_storage: ModelStorage, resource: Resource
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]))
        self.embedding_clf: LogisticRegression | None = None

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        labels = [e.get(INTENT) for e in examples]
        if labels:
            self.clf.set_params(class_weight=weighted_classes(labels, self.config["class_weight_factors"] or {}))
        dense = _dense_X(examples) if self.config["embedding_weight"] > 0 else None
        if labels and dense is not None:  # fitted first, so that Rasa's train() persists both models once
            self.embedding_clf = LogisticRegression(
                C=float(self.config["embedding_C"]), max_iter=int(self.config["max_iter"]), tol=float(self.config["tol"]),
                solver=self.config["solver"], class_weight=self.clf.get_params()["class_weight"])
            self.embedding_clf.fit(dense, labels)
        return super().train(training_data)

    def persist(self) -> None:
        super().persist()
        if self.embedding_clf is not None:
            with self._model_storage.write_to(self._resource) as directory:
                skops.io.dump(self.embedding_clf, directory / EMBEDDING_MODEL_FILE)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> TunedLogisticRegressionClassifier:
        component = super().load(config, model_storage, resource, execution_context, **kwargs)
        try:
            with model_storage.read_from(resource) as directory:
                path = directory / EMBEDDING_MODEL_FILE
                if path.is_file():
                    component.embedding_clf = skops.io.load(path, trusted=skops.io.get_untrusted_types(file=path))
        except ValueError:  # nothing stored for this resource: an untrained component
            pass
        return component

    def process(self, messages: list[Message]) -> list[Message]:
        """Rasa's ranking, from the blended probabilities when there is an embedding model."""
        column_major(self.clf)  # after loading or training; see bot.nlu.coefficients
        probabilities = self.clf.predict_proba(self._create_X(messages))
        dense = _dense_X(messages) if self.embedding_clf is not None else None
        if dense is not None:
            weight = float(self.config["embedding_weight"])
            probabilities = geometric_blend(probabilities, self.embedding_clf.predict_proba(dense), weight)
        length = self.config[RANKING_LENGTH]
        for message, row in zip(messages, probabilities):
            ranking = sorted(({"name": name, "confidence": float(p)} for name, p in zip(self.clf.classes_, row)),
                             key=lambda r: -r["confidence"])
            message.set("intent", ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking[:length] if length > 0 else ranking, add_to_output=True)
        return messages

    def _create_X(self, messages: list[Message]) -> csr_matrix:
        """The sparse sentence features as one matrix, the featurizers' blocks side by side in
        pipeline order (the dense embedding has a model of its own, above). Rasa's version
        combines every featurizer's sequence *and* sentence features through deep copies and
        SciPy stacks: the same matrix, at about a millisecond a message."""
        rows = []
        for message in messages:
            blocks = [f.features for f in message.features
                      if f.attribute == TEXT and f.is_sparse() and f.type == FEATURE_TYPE_SENTENCE]
            if not blocks:
                return super()._create_X(messages)
            rows.append(one_row(blocks))
        if len({row.shape[1] for row in rows}) > 1:
            raise ValueError("Messages with different feature widths: retrain the model (`make train`).")
        return rows[0] if len(rows) == 1 else vstack(rows, format="csr")


EMBEDDING_MODEL_FILE = "embedding_classifier.skops"


def _dense_X(messages: list[Message]) -> np.ndarray | None:
    """The messages' dense sentence features, one row each; None unless every message has them."""
    rows = []
    for message in messages:
        sentence = message.get_dense_features(attribute=TEXT)[1]
        if sentence is None:
            return None
        rows.append(np.asarray(sentence.features).reshape(-1))
    return np.vstack(rows) if rows else None


def geometric_blend(counts: np.ndarray, embedding: np.ndarray, weight: float) -> np.ndarray:
    """Rows of probabilities proportional to counts^(1 - weight) * embedding^weight."""
    log = (1 - weight) * np.log(np.clip(counts, 1e-12, None)) + weight * np.log(np.clip(embedding, 1e-12, None))
    blended = np.exp(log - log.max(axis=1, keepdims=True))
    return blended / blended.sum(axis=1, keepdims=True)


def weighted_classes(labels: list[str], factors: dict[str, float]) -> dict[str, float]:
    """Balanced class weights (scikit-learn's "balanced"), each multiplied by its factor, if any."""
    classes = np.unique(labels)
    unknown = set(factors) - set(classes)
    if unknown:
        raise ValueError(f"class_weight_factors names intents with no training examples: {sorted(unknown)}; "
                         "fix the names in config.yml.")
    balanced = compute_class_weight("balanced", classes=classes, y=np.asarray(labels))
    return {str(c): float(w) * float(factors.get(str(c), 1.0)) for c, w in zip(classes, balanced)}
