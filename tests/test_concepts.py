"""The concept lexicon (bot/nlu/concepts.yml) and how the featurizer matches it."""

from __future__ import annotations

import itertools

import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.languages import fold
from bot.nlu.concept_featurizer import ConceptFeaturizer, ConceptLexicon, pair_index
from bot.settings import LANGUAGES, PROJECT_ROOT

LEXICON = PROJECT_ROOT / "bot" / "nlu" / "concepts.yml"


def names(lexicon: ConceptLexicon, word: str) -> set[str]:
    return {lexicon.names[i] for i in lexicon.concepts_of(word)}


def test_entries_match_words_they_start_and_exact_words_with_a_dollar() -> None:
    lexicon = ConceptLexicon({"cost": ["zaplat", "pay$", "Poťin"], "doctor": ["doktor", "gp$"]})
    assert names(lexicon, "zaplatim") == {"cost"} and names(lexicon, "potinel") == {"cost"}
    assert names(lexicon, "pay") == {"cost"} and names(lexicon, "payment") == set()
    assert names(lexicon, "doktoriste") == {"doctor"} and names(lexicon, "gps") == set()
    assert ConceptLexicon(lexicon.as_dict()).as_dict() == lexicon.as_dict()  # as stored with the model


def test_the_lexicon_covers_every_language_with_safe_entries() -> None:
    text = LEXICON.read_text(encoding="utf-8")
    assert "awaiting community review" in text
    concepts = yaml.safe_load(text)["concepts"]
    assert len(concepts) >= 20
    for name, by_language in concepts.items():
        assert set(by_language) == set(LANGUAGES), name
        for language, entries in by_language.items():
            assert entries, (name, language)
            short = [e for e in entries if not str(e).endswith("$") and len(str(e)) < 4]
            assert not short, f"{name}/{language}: stems under 4 letters catch unrelated words: {short}"


def test_the_real_lexicon_knows_synonyms_in_every_language() -> None:
    lexicon = ConceptLexicon.from_yaml(LEXICON)
    for word in ("price", "zadarmo", "zdarma", "gratuit", "potinel"):
        assert "cost" in names(lexicon, word), word
    for word in ("skola", "scoala", "school"):
        assert "school" in names(lexicon, word), word
    for concept, words in {"animal": ("hamster", "zverolekar", "veterinarul", "papagajos"),
                           "other_health": ("zubara", "farmacie", "lekarna", "optician"),
                           "housing": ("landlord", "najemne", "chiria", "bytos"),
                           "leisure": ("swimming", "piscina", "prazdniny", "pocasie")}.items():
        for word in words:  # what Drom does not answer leans towards out_of_scope
            assert concept in names(lexicon, word), word


def _sentence_features(text: str, pairs: bool) -> list[float]:
    lexicon = ConceptLexicon({"cost": ["price"], "doctor": ["gp$"], "school": ["skola"]})
    config = {**ConceptFeaturizer.get_default_config(), "pairs": pairs}
    featurizer = ConceptFeaturizer(config, None, None, ExecutionContext(GraphSchema({}), node_name="concepts"), lexicon)
    message = Message(data={TEXT: text})
    message.set(TOKENS_NAMES[TEXT], [Token(word, 0, lemma=fold(word)) for word in text.split()])
    featurizer.process([message])
    sequence, sentence = message.get_sparse_features(TEXT)
    assert sequence.features.shape == (len(text.split()), 3)  # tokens keep single concepts
    return sentence.features.toarray()[0].tolist()


def test_the_message_gets_a_feature_per_pair_of_concepts_it_mentions_together() -> None:
    # columns: cost, doctor, school, then the pairs cost+doctor, cost+school, doctor+school
    assert _sentence_features("gp price?", pairs=True) == [1, 1, 0, 1, 0, 0]
    assert _sentence_features("Škola price", pairs=True) == [1, 0, 1, 0, 1, 0]
    assert _sentence_features("gp škola price", pairs=True) == [1, 1, 1, 1, 1, 1]
    assert _sentence_features("hello", pairs=True) == [0] * 6
    assert _sentence_features("gp price", pairs=False) == [1, 1, 0]


def test_pair_positions_cover_every_pair_once() -> None:
    count = 27
    positions = [pair_index(a, b, count) for a, b in itertools.combinations(range(count), 2)]
    assert positions == list(range(count * (count - 1) // 2))
