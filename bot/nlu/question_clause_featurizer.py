"""A Rasa featurizer for the part of a message that asks.

People often tell their story first and ask last: "we came from Slovakia last week, my son is
ill and we only have pre-settled, do we have to pay the doctor?". The story's words (ill,
pre-settled) weigh as much as the question's in the whole-message features and pull the answer
towards other FAQs. This featurizer adds, per message, the concepts of `bot/nlu/concepts.yml`
(with their pairs) and the words of the question clause alone, so the classifier can learn to
weigh them more: the last segment that ends with "?", else the last segment, segments being split
at . ? ! ; , and line breaks. A message of one segment is its own question clause.

Sentence features only; the words are the folded lemmas seen in the question clauses of at least
`min_df` training examples, stored with the model. docs/evaluation.md, thirteenth session: in the
cross-validation, long messages 81.1% -> 83.5% right.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.languages import fold
from bot.nlu.concept_featurizer import LEXICON_FILE, ConceptFeaturizer, ConceptLexicon

VOCABULARY_FILE = "question_words.json"
_SEGMENT = re.compile(r"[^.?!;,\n]+[.?!;,\n]*")
_PUNCTUATION = " .?!;,\n\t"


def question_clause_span(text: str) -> tuple[int, int]:
    """Where the question clause of `text` starts and ends (the whole text if it has no words)."""
    segments = [m for m in _SEGMENT.finditer(text) if m.group(0).strip(_PUNCTUATION)]
    if not segments:
        return 0, len(text)
    asked = [m for m in segments if m.group(0).rstrip().endswith("?")]
    chosen = (asked or segments)[-1]
    return chosen.start(), chosen.end()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class QuestionClauseFeaturizer(ConceptFeaturizer):
    """The concepts, concept pairs and words of a message's question clause (config `min_df`)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**ConceptFeaturizer.get_default_config(), "min_df": 2}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, lexicon: ConceptLexicon | None = None,
                 vocabulary: list[str] | None = None) -> None:
        super().__init__(config, model_storage, resource, execution_context, lexicon)
        self._columns = {word: index for index, word in enumerate(vocabulary or [])}

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> QuestionClauseFeaturizer:
        with model_storage.read_from(resource) as directory:
            concepts = json.loads((directory / LEXICON_FILE).read_text(encoding="utf-8"))
            vocabulary = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, execution_context, ConceptLexicon(concepts), vocabulary)

    def train(self, training_data: TrainingData) -> Resource:
        super().train(training_data)
        seen = Counter(word for message in training_data.training_examples
                       for word in set(_lemmas(_question_tokens(message))))
        vocabulary = sorted(word for word, count in seen.items() if count >= self._config["min_df"])
        self._columns = {word: index for index, word in enumerate(vocabulary)}
        with self._model_storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self._lexicon is None:
            return messages
        for message in messages:
            lemmas = _lemmas(_question_tokens(message))
            mentioned = sorted({c for lemma in lemmas for c in self._lexicon.concepts_of(lemma)})
            words = np.zeros((1, len(self._columns)))
            for lemma in lemmas:
                if lemma in self._columns:
                    words[0, self._columns[lemma]] += 1.0
            sentence = np.hstack([self.sentence_features(mentioned), words])
            self.add_features_to_message(None, scipy.sparse.coo_matrix(sentence), TEXT, message)
        return messages


def _question_tokens(message: Message) -> list[Token]:
    start, end = question_clause_span(message.get(TEXT) or "")
    return [t for t in message.get(TOKENS_NAMES[TEXT]) or [] if t.start >= start and t.end <= end]


def _lemmas(tokens: list[Token]) -> list[str]:
    return [token.lemma or fold(token.text) for token in tokens]
