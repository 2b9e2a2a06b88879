"""The concept lexicon (bot/nlu/concepts.yml) and how the featurizer matches it."""

from __future__ import annotations

import yaml

from bot.nlu.concept_featurizer import ConceptLexicon
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
