"""The training and held-out data follow docs/nlu-data-format.md in every language."""

from __future__ import annotations

import pytest

from bot.nlu_data_rules import problems
from tests.conftest import LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_training_and_held_out_data_follow_the_rules(language: str) -> None:
    assert problems(language) == []
