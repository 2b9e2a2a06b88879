"""`python -m bot embeddings [--check]`: refresh nlu_data/embeddings.npz, the committed sentence
embeddings of the training examples (bot/nlu/embedding_cache.py explains why they are committed).

Run it after changing the training data, and commit the file with the data. Without it training
still works: it embeds the new examples itself, about 18 ms each.
"""

from __future__ import annotations

import argparse

from bot.settings import EMBEDDING_SEED, PROJECT_ROOT, load_settings


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("embeddings", help="refresh nlu_data/embeddings.npz after the training data changes")
    parser.add_argument("--check", action="store_true", help="only say whether it is up to date (exit 1 if not)")


def training_texts() -> list[str]:
    """Every text the training pipeline embeds: the NLU examples of config.yml's data, as Rasa loads them."""
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.shared.nlu.constants import TEXT

    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"), str(PROJECT_ROOT / "domain.yml"), [str(PROJECT_ROOT / "nlu_data")])
    return sorted({m.get(TEXT) for m in importer.get_nlu_data().training_examples if m.get(TEXT)})


def main(args: argparse.Namespace) -> int:
    from bot.nlu.embedding_cache import EmbeddingCache, read_seed, seed_key, write_seed
    from bot.nlu.sentence_embedding_featurizer import ENCODER, embed

    texts = training_texts()
    seeded = read_seed(EMBEDDING_SEED, ENCODER)
    wanted = {seed_key(ENCODER, t) for t in texts}
    if wanted == set(seeded):
        print(f"{EMBEDDING_SEED.relative_to(PROJECT_ROOT)} is up to date ({len(texts)} examples).")
        return 0
    if args.check:
        print(f"{EMBEDDING_SEED.relative_to(PROJECT_ROOT)} is out of date: {len(wanted - set(seeded))} examples "
              f"missing, {len(set(seeded) - wanted)} no longer used. Run `.venv/bin/python -m bot embeddings` "
              "and commit the file.")
        return 1
    with EmbeddingCache(load_settings().embedding_cache, seed=EMBEDDING_SEED) as cache:
        vectors = embed(texts, cache)
    write_seed(EMBEDDING_SEED, ENCODER, dict(zip(texts, vectors)))
    print(f"Wrote {EMBEDDING_SEED.relative_to(PROJECT_ROOT)}: {len(texts)} examples.")
    return 0
