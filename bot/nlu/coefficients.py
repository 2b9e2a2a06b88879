"""Store a linear model's coefficients column-major, so predicting on sparse features is cheap.

scikit-learn predicts with `X @ coef_.T`. For a sparse `X`, SciPy needs the dense right-hand side
in C order; `coef_.T` of the usual row-major `coef_` is not, so SciPy copies the whole matrix
(classes × tens of thousands of n-grams) on every message: about 5 ms per parse in Drom's
model, more than everything else in the NLU pipeline. Column-major `coef_` makes `coef_.T`
C-ordered and the product costs microseconds; the numbers are the same.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def column_major(estimator: Any) -> None:
    """Make `estimator.coef_` (if it has one) Fortran-ordered, in place; cheap when it already is."""
    coef = getattr(estimator, "coef_", None)
    if isinstance(coef, np.ndarray) and not coef.flags.f_contiguous:
        estimator.coef_ = np.asfortranarray(coef)
