"""TF-IDF features for one message without scikit-learn's per-call overhead.

scikit-learn 1.1's `TfidfTransformer.transform` checks it is fitted with `hasattr(self, "idf_")`,
and `idf_` is a property that sums the whole (n-grams × n-grams) diagonal matrix; it then
multiplies by that matrix. On one short message that is most of the language identifier's time
(about 1.5 ms a parse). `FastTfidf` keeps the IDF vector once and scales the counts in place:
the same numbers (tests/test_nlu_fast_paths.py checks it against the fitted pipeline).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import normalize

from bot.nlu.sparse_rows import one_row


class FastTfidf:
    """The fitted `TfidfVectorizer`'s transform, computed directly."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        if vectorizer.norm not in ("l2", None):
            raise ValueError(f"FastTfidf supports norm 'l2' or None, not {vectorizer.norm!r}")
        self._vectorizer = vectorizer
        self._idf = np.asarray(vectorizer.idf_, dtype=np.float64) if vectorizer.use_idf else None

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        counts = CountVectorizer.transform(self._vectorizer, texts).astype(np.float64)
        if self._vectorizer.sublinear_tf:
            np.log(counts.data, counts.data)
            counts.data += 1
        if self._idf is not None:
            counts.data *= self._idf[counts.indices]
        if self._vectorizer.norm == "l2":
            counts = normalize(counts, norm="l2", copy=False)
        return counts


class FastTfidfUnion:
    """predict_proba of a Pipeline([FeatureUnion of TfidfVectorizers, classifier]), directly."""

    def __init__(self, pipeline: Pipeline) -> None:
        union, self._classifier = pipeline[0], pipeline[-1]
        if not isinstance(union, FeatureUnion) or not all(isinstance(t, TfidfVectorizer) for _, t in union.transformer_list):
            raise TypeError("FastTfidfUnion needs a FeatureUnion of TfidfVectorizers followed by a classifier")
        self._parts = [FastTfidf(t) for _, t in union.transformer_list]
        self.classes_ = self._classifier.classes_

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        blocks = [part.transform(texts) for part in self._parts]
        if len(texts) != 1:
            return self._classifier.predict_proba(sp.hstack(blocks, format="csr"))
        row = one_row(blocks)  # one message: every parse (bot/nlu/sparse_rows.py)
        return self._classifier.predict_proba(row)
