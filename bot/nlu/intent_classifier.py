"""Rasa's logistic-regression intent classifier with its regularisation strength exposed, and
predicting without copying its coefficients on every message (bot/nlu/coefficients.py).

With about thirty intents and sparse count features, Rasa's fixed C=1 spreads the probability
thinly, so clear questions fall under the fallback threshold. A larger C gives confident
predictions on the questions the model knows and still leaves unknown ones low.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.coefficients import column_major


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TunedLogisticRegressionClassifier(LogisticRegressionClassifier):
    """`LogisticRegressionClassifier` plus a `C` option (inverse regularisation strength)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0}

    def __init__(
        self, config: dict[str, Any], name: str, model_storage: ModelStorage, resource: Resource
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]))

    def process(self, messages: list[Message]) -> list[Message]:
        column_major(self.clf)  # after loading or training; see bot.nlu.coefficients
        return super().process(messages)
