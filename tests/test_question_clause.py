"""The question clause featurizer (bot/nlu/question_clause_featurizer.py): which part of a message
asks, and the features it gets."""

from __future__ import annotations

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.concept_featurizer import ConceptLexicon
from bot.nlu.folding_tokenizer import FoldingTokenizer
from bot.nlu.question_clause_featurizer import QuestionClauseFeaturizer, question_clause_span


def clause(text: str) -> str:
    start, end = question_clause_span(text)
    return text[start:end].strip(" .?!,;\n")


def test_the_question_clause_is_the_last_segment_that_asks() -> None:
    assert clause("we came last week, my son is ill, do we pay the doctor?") == "do we pay the doctor"
    assert clause("mušinav te pokinel ko NHS? Amen sam kade ča 3 čhona") == "mušinav te pokinel ko NHS"
    assert clause("we came last week, I have two kids, where do I go") == "where do I go"
    assert clause("gp?") == "gp" and clause("škola") == "škola"
    assert question_clause_span("") == (0, 0) and question_clause_span("?!") == (0, 2)


def _sentence(featurizer: QuestionClauseFeaturizer, text: str) -> list[float]:
    message = Message(data={TEXT: text})
    message.set(TOKENS_NAMES[TEXT], FoldingTokenizer(FoldingTokenizer.get_default_config()).tokenize(message, TEXT))
    featurizer.process([message])
    (sentence,) = [f for f in message.features if f.origin == "question"]
    assert sentence.type == "sentence"
    return sentence.features.toarray()[0].tolist()


def test_only_the_question_clause_gives_concepts_and_words() -> None:
    lexicon = ConceptLexicon({"cost": ["pay$"], "doctor": ["doctor"], "urgent": ["ill$"]})
    config = {**QuestionClauseFeaturizer.get_default_config(), "alias": "question"}
    featurizer = QuestionClauseFeaturizer(config, None, None, ExecutionContext(GraphSchema({}), node_name="question"),
                                          lexicon, vocabulary=["doctor", "pay", "skola"])
    # columns: cost, doctor, urgent; the pairs cost+doctor, cost+urgent, doctor+urgent; the words doctor, pay, skola
    assert _sentence(featurizer, "my son is ill, do we pay the Doctor?") == [1, 1, 0, 1, 0, 0, 1, 1, 0]
    assert _sentence(featurizer, "Škola") == [0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert _sentence(featurizer, "") == [0] * 9
