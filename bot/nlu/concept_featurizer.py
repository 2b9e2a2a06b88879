"""A Rasa featurizer that marks the concepts a message mentions, whatever the word or language.

People ask the same thing in many words: "is it free", "do I need money", "gp price", "musím
platiť", "kampel te poťinel". The n-gram features only know the words the training data happens
to use for each answer; `bot/nlu/concepts.yml` lists, per concept (cost, documents, school, ...)
and language, the words and stems that mean it, so a synonym never seen in training still points
to the right answer. Each concept is one feature: per token (sequence) and per message (sentence).
With `pairs` (the default), the message also gets one feature per pair of concepts it mentions
together: "cost" with "doctor" and "cost" with "school" point to different answers, which a linear
classifier over single concepts cannot tell apart (docs/evaluation.md, the ninth session).

Tokens are matched on their folded lemmas (bot.nlu.folding_tokenizer): an entry matches a word it
starts, or exactly the word when it ends with "$" ("gp$"). The lexicon is stored with the model,
so a trained model keeps the lexicon it was trained with, and editing the file retrains
(`fingerprint_addon`; `make train` also watches the file).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.languages import fold
from bot.settings import PROJECT_ROOT

LEXICON_FILE = "concepts.json"


class ConceptLexicon:
    """Which concepts a folded word means."""

    def __init__(self, concepts: dict[str, list[str]]) -> None:
        self.names = sorted(concepts)
        self._exact: dict[str, set[int]] = {}
        self._prefixes: list[tuple[str, int]] = []
        for index, name in enumerate(self.names):
            for entry in concepts[name]:
                word = fold(str(entry)).strip()
                if word.endswith("$"):
                    self._exact.setdefault(word[:-1], set()).add(index)
                elif word:
                    self._prefixes.append((word, index))
        self._cache: dict[str, frozenset[int]] = {}

    @classmethod
    def from_yaml(cls, path: Path) -> ConceptLexicon:
        """Read `concepts: {name: {language: [entries]}}`; the languages are pooled."""
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls({name: [e for entries in (by_language or {}).values() for e in entries or []]
                    for name, by_language in (data.get("concepts") or {}).items()})

    def as_dict(self) -> dict[str, list[str]]:
        entries: dict[str, list[str]] = {name: [] for name in self.names}
        for word, indexes in self._exact.items():
            for index in indexes:
                entries[self.names[index]].append(word + "$")
        for word, index in self._prefixes:
            entries[self.names[index]].append(word)
        return {name: sorted(words) for name, words in entries.items()}

    def concepts_of(self, folded_word: str) -> frozenset[int]:
        found = self._cache.get(folded_word)
        if found is None:
            found = frozenset(self._exact.get(folded_word, set())
                              | {index for prefix, index in self._prefixes if folded_word.startswith(prefix)})
            if len(self._cache) < 100_000:
                self._cache[folded_word] = found
        return found


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class ConceptFeaturizer(SparseFeaturizer, GraphComponent):
    """One sparse feature per concept of `bot/nlu/concepts.yml` (config `lexicon`)."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**SparseFeaturizer.get_default_config(), "lexicon": "bot/nlu/concepts.yml", "pairs": True}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if not (PROJECT_ROOT / str(config.get("lexicon"))).is_file():
            raise ValueError(f"ConceptFeaturizer: no lexicon at {config.get('lexicon')!r} (relative to {PROJECT_ROOT}).")

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The lexicon's content: Rasa retrains this component (and what follows) when it changes."""
        path = PROJECT_ROOT / str({**cls.get_default_config(), **config}["lexicon"])
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, lexicon: ConceptLexicon | None = None) -> None:
        SparseFeaturizer.__init__(self, execution_context.node_name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._lexicon = lexicon

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> ConceptFeaturizer:
        return cls(config, model_storage, resource, execution_context)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> ConceptFeaturizer:
        with model_storage.read_from(resource) as directory:
            concepts = json.loads((directory / LEXICON_FILE).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, execution_context, ConceptLexicon(concepts))

    def train(self, training_data: TrainingData) -> Resource:
        self._lexicon = ConceptLexicon.from_yaml(PROJECT_ROOT / str(self._config["lexicon"]))
        with self._model_storage.write_to(self._resource) as directory:
            (directory / LEXICON_FILE).write_text(json.dumps(self._lexicon.as_dict(), ensure_ascii=False), encoding="utf-8")
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        if self._lexicon is None:
            return messages
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            sequence = np.zeros((len(tokens), len(self._lexicon.names)))
            for row, token in enumerate(tokens):
                for column in self._lexicon.concepts_of(token.lemma or fold(token.text)):
                    sequence[row, column] = 1.0
            mentioned = sorted(set(np.nonzero(sequence)[1].tolist()))
            self.add_features_to_message(scipy.sparse.coo_matrix(sequence),
                                         scipy.sparse.coo_matrix(self.sentence_features(mentioned)), TEXT, message)
        return messages

    def sentence_features(self, mentioned: list[int]) -> np.ndarray:
        """One row: the concepts mentioned, then (with `pairs`) every pair of them mentioned together."""
        count = len(self._lexicon.names)
        width = count + (count * (count - 1) // 2 if self._config["pairs"] else 0)
        row = np.zeros((1, width))
        row[0, mentioned] = 1.0
        if self._config["pairs"]:
            for first, second in itertools.combinations(mentioned, 2):
                row[0, count + pair_index(first, second, count)] = 1.0
        return row


def pair_index(first: int, second: int, count: int) -> int:
    """The position of the pair (first < second) among all pairs of `count` concepts, in order."""
    return first * count - first * (first + 1) // 2 + (second - first - 1)
