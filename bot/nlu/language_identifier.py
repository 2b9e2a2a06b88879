"""A Rasa NLU component that tells which of Drom's five languages a message is in.

It learns from the same training data as the intent classifier: every intent block in
`nlu_data/<lang>/` carries `metadata: {language: <lang>}`. Character n-grams of the raw text
(diacritics kept, since ř/ů/ě mark Czech and ä/ô/ľ mark Slovak) are combined with word
unigrams of the folded text (no diacritics, as many people type), in a logistic regression.
The result is added to the parse data as
`language: {"code": "sk", "confidence": 0.53, "ranking": [["sk", 0.53], ["cs", 0.41], ["rom", 0.04]]}`.
"""

from __future__ import annotations

import logging
from typing import Any

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import METADATA, METADATA_EXAMPLE, METADATA_INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_union

from bot.languages import fold
from bot.nlu.coefficients import column_major
from bot.nlu.fast_tfidf import FastTfidfUnion

logger = logging.getLogger(__name__)

LANGUAGE = "language"
MODEL_FILE = "language_identifier.joblib"


def example_language(message: Message) -> str | None:
    """The language a training example was written in, from its intent or example metadata."""
    metadata = message.get(METADATA) or {}
    for level in (METADATA_EXAMPLE, METADATA_INTENT):
        value = (metadata.get(level) or {}).get(LANGUAGE) if isinstance(metadata.get(level), dict) else None
        if value:
            return str(value)
    return None


def build_pipeline(c: float, class_weight: dict[str, float] | None = None) -> Pipeline:
    """Character and folded-word n-grams into a logistic regression; `class_weight` weighs the
    examples of a language (a language unweighted counts 1)."""
    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), lowercase=True, sublinear_tf=True),
        TfidfVectorizer(
            analyzer="word",
            preprocessor=fold,
            token_pattern=r"(?u)\b\w+\b",
            ngram_range=(1, 2),
            sublinear_tf=True,
        ),
    )
    return Pipeline([("features", features), ("classifier", LogisticRegression(C=c, max_iter=2000, class_weight=class_weight))])


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class LanguageIdentifier(GraphComponent):
    """Adds `language` (code and confidence) to every parsed message."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"C": 50.0, "class_weight": None}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        pipeline: Pipeline | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._pipeline = pipeline
        self._predictor: FastTfidfUnion | None = None
        if pipeline is not None:
            self._use(pipeline)

    def _use(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline
        column_major(pipeline[-1])  # see bot.nlu.coefficients
        self._predictor = FastTfidfUnion(pipeline)  # see bot.nlu.fast_tfidf

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageIdentifier:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LanguageIdentifier:
        try:
            with model_storage.read_from(resource) as directory:
                pipeline = joblib.load(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("The language identifier has no trained model; retrain with `make train`.")
            pipeline = None
        return cls(config, model_storage, resource, pipeline)

    def train(self, training_data: TrainingData) -> Resource:
        texts, labels = self._training_examples(training_data)
        if len(set(labels)) < 2:
            raise ValueError(
                "The language identifier needs examples in at least two languages: give every "
                "intent block in nlu_data/<lang>/ `metadata: {language: <lang>}`."
            )
        self._use(self._pipeline_for(labels).fit(texts, labels))
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self._pipeline, directory / MODEL_FILE)
        return self._resource

    def _pipeline_for(self, labels: list[str]) -> Pipeline:
        weights = self._config.get("class_weight") or {}
        class_weight = {language: float(weights.get(language, 1.0)) for language in set(labels)} if weights else None
        return build_pipeline(self._config["C"], class_weight)

    @staticmethod
    def _training_examples(training_data: TrainingData) -> tuple[list[str], list[str]]:
        """Every example with its language, each also without diacritics, as many people type.

        Strings written the same in several languages ("gp", "settled status") say nothing about
        the language and are left out.
        """
        languages_of: dict[str, set[str]] = {}
        for message in training_data.intent_examples:
            language, text = example_language(message), message.get(TEXT)
            if language and text:
                for variant in {text, fold(text)}:
                    languages_of.setdefault(variant, set()).add(language)
        pairs = [(text, next(iter(found))) for text, found in languages_of.items() if len(found) == 1]
        return [text for text, _ in pairs], [language for _, language in pairs]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        if self._predictor is None:
            return messages
        texts = [message.get(TEXT) or "" for message in messages]
        probabilities = self._predictor.predict_proba(texts)
        classes = list(self._predictor.classes_)
        for message, row in zip(messages, probabilities):
            ranking = sorted(zip(classes, row), key=lambda pair: pair[1], reverse=True)
            message.set(
                LANGUAGE,
                {
                    "code": ranking[0][0],
                    "confidence": round(float(ranking[0][1]), 4),
                    "ranking": [[code, round(float(p), 4)] for code, p in ranking[:3]],
                },
                add_to_output=True,
            )
        return messages
