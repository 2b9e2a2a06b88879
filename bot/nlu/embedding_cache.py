"""Sentence embeddings kept on disk between trainings, so a retrain embeds only new examples.

Two layers. The cache (`DROM_EMBEDDING_CACHE`, a SQLite file under var/) is written by training.
Under it, the seed (nlu_data/embeddings.npz, committed) holds every training example's vector at
half precision, so a fresh clone trains in minutes instead of first spending 4-5 minutes embedding
12,567 examples; `python -m bot embeddings` refreshes it after the training data changes.

Keys are SHA-256 digests of the encoder's name and the text, never the text: the cache holds
training examples only (people's messages are embedded in memory and never stored), and a digest
keeps it that way even if a message is one day added as an example.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from types import TracebackType

import numpy as np


def _key(encoder: str, text: str) -> str:
    return hashlib.sha256(f"{encoder}\n{text}".encode("utf-8")).hexdigest()


def seed_key(encoder: str, text: str) -> bytes:
    """The seed's key of a text: its raw digest."""
    return bytes.fromhex(_key(encoder, text))


def read_seed(path: Path, encoder: str) -> dict[bytes, np.ndarray]:
    """The seed's vectors by raw digest; empty if there is no seed or it is of another encoder."""
    if not path.is_file():
        return {}
    with np.load(path) as seed:
        if str(seed["encoder"]) != encoder:
            return {}
        keys, vectors = seed["keys"], seed["vectors"]
    return {key.tobytes(): vector for key, vector in zip(keys, vectors)}


def write_seed(path: Path, encoder: str, vectors: dict[str, np.ndarray]) -> None:
    """Replace the seed with `vectors` (by text), stored by digest at half precision."""
    by_key = sorted(((seed_key(encoder, t), v) for t, v in vectors.items()), key=lambda kv: kv[0])
    np.savez_compressed(path, encoder=np.array(encoder),
                        keys=np.frombuffer(b"".join(k for k, _ in by_key), dtype=np.uint8).reshape(-1, 32),
                        vectors=np.array([v for _, v in by_key], dtype=np.float16).reshape(len(by_key), -1))


class EmbeddingCache:
    """A SQLite table of float32 vectors by digest, over an optional read-only seed (see
    `read_seed`); use it as a context manager."""

    def __init__(self, path: Path, seed: Path | None = None) -> None:
        self.path = path
        self.seed = seed

    def __enter__(self) -> EmbeddingCache:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.execute("CREATE TABLE IF NOT EXISTS embedding (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._db.close()

    def get_many(self, encoder: str, texts: list[str]) -> dict[str, np.ndarray]:
        """The seeded (or else cached) vectors of those `texts` that have one, by text. The seed comes
        first, so that every clone trains on the same half-precision vectors."""
        by_key = {_key(encoder, t): t for t in set(texts)}
        found: dict[str, np.ndarray] = {}
        seeded = read_seed(self.seed, encoder) if self.seed else {}
        for key, text in by_key.items():
            vector = seeded.get(bytes.fromhex(key))
            if vector is not None:
                found[text] = vector.astype(np.float32)
        keys = [k for k, t in by_key.items() if t not in found]
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            rows = self._db.execute(
                f"SELECT key, vector FROM embedding WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            for key, blob in rows:
                found[by_key[key]] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, encoder: str, vectors: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO embedding (key, vector) VALUES (?, ?)",
                                 [(_key(encoder, t), np.asarray(v, dtype=np.float32).tobytes())
                                  for t, v in vectors.items()])
