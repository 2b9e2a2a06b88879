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
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, vstack
from sklearn.utils.class_weight import compute_class_weight

from bot.nlu.coefficients import column_major
from bot.nlu.sparse_rows import one_row


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TunedLogisticRegressionClassifier(LogisticRegressionClassifier):
    """`LogisticRegressionClassifier` plus `C` (inverse regularisation strength) and
    `class_weight_factors` ({intent: factor} on top of the balanced class weights)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0, "class_weight_factors": {}}

    def __init__(
        self, config: dict[str, Any], name: str, model_storage: ModelStorage, resource: Resource
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]))

    def train(self, training_data: TrainingData) -> Resource:
        labels = [e.get(INTENT) for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if labels:
            self.clf.set_params(class_weight=weighted_classes(labels, self.config["class_weight_factors"] or {}))
        return super().train(training_data)

    def process(self, messages: list[Message]) -> list[Message]:
        column_major(self.clf)  # after loading or training; see bot.nlu.coefficients
        return super().process(messages)

    def _create_X(self, messages: list[Message]) -> csr_matrix:
        """The sentence features as one sparse matrix, the featurizers' blocks side by side in
        pipeline order. Rasa's version combines every featurizer's sequence *and* sentence
        features through deep copies and SciPy stacks, and adds an empty dense block (this
        pipeline has no dense featurizer): the same matrix, at about a millisecond a message."""
        rows = []
        for message in messages:
            blocks = [f.features for f in message.features
                      if f.attribute == TEXT and f.is_sparse() and f.type == FEATURE_TYPE_SENTENCE]
            if not blocks or message.get_dense_features(attribute=TEXT)[1] is not None:
                return super()._create_X(messages)
            rows.append(one_row(blocks))
        if len({row.shape[1] for row in rows}) > 1:
            raise ValueError("Messages with different feature widths: retrain the model (`make train`).")
        return rows[0] if len(rows) == 1 else vstack(rows, format="csr")


def weighted_classes(labels: list[str], factors: dict[str, float]) -> dict[str, float]:
    """Balanced class weights (scikit-learn's "balanced"), each multiplied by its factor, if any."""
    classes = np.unique(labels)
    unknown = set(factors) - set(classes)
    if unknown:
        raise ValueError(f"class_weight_factors names intents with no training examples: {sorted(unknown)}; "
                         "fix the names in config.yml.")
    balanced = compute_class_weight("balanced", classes=classes, y=np.asarray(labels))
    return {str(c): float(w) * float(factors.get(str(c), 1.0)) for c, w in zip(classes, balanced)}
