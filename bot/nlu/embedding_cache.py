"""Sentence embeddings kept on disk between trainings, so a retrain embeds only new examples.

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


class EmbeddingCache:
    """A SQLite table of float32 vectors by digest; use it as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> EmbeddingCache:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.execute("CREATE TABLE IF NOT EXISTS embedding (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._db.close()

    def get_many(self, encoder: str, texts: list[str]) -> dict[str, np.ndarray]:
        """The cached vectors of those `texts` that have one, by text."""
        by_key = {_key(encoder, t): t for t in set(texts)}
        found: dict[str, np.ndarray] = {}
        keys = list(by_key)
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
