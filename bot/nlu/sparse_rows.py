"""One message's sparse feature blocks side by side, as one CSR row, without SciPy's general stacking.

`scipy.sparse.hstack` goes through `bmat`, which checks and converts every block; for the one
short row a parse needs that costs more than the features themselves. Both the intent classifier
(bot/nlu/intent_classifier.py) and the language identifier (bot/nlu/fast_tfidf.py) build their
row here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp


def one_row(blocks: Sequence[sp.spmatrix]) -> sp.csr_matrix:
    """Single-row sparse matrices (COO or CSR) side by side: the same matrix as `hstack`."""
    data, columns, offset = [], [], 0
    for block in blocks:
        if block.shape[0] != 1:
            raise ValueError(f"one_row takes single-row blocks, not {block.shape[0]} rows")
        data.append(block.data)
        columns.append((block.indices if isinstance(block, sp.csr_matrix) else sp.coo_matrix(block).col) + offset)
        offset += block.shape[1]
    if not blocks:
        return sp.csr_matrix((1, 0))
    values = np.concatenate(data)
    return sp.csr_matrix((values, np.concatenate(columns), np.array([0, len(values)])), shape=(1, offset))
