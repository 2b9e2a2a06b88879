"""The training and held-out data follow docs/nlu-data-format.md in every language."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.evaluation import held_out_examples
from bot.nlu_data_rules import PROJECT_ROOT, problems
from tests.conftest import LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_training_and_held_out_data_follow_the_rules(language: str) -> None:
    assert problems(language) == []


def test_a_training_example_repeating_another_languages_held_out_message_is_named(tmp_path: Path) -> None:
    """The rule looks across languages and names the training file, not the held-out text alone."""
    shutil.copytree(PROJECT_ROOT / "nlu_data", tmp_path / "nlu_data")
    shutil.copytree(PROJECT_ROOT / "tests" / "nlu", tmp_path / "tests" / "nlu")
    held_out = held_out_examples("rom")[0].text
    slovak_gp = tmp_path / "nlu_data" / "sk" / "gp.yml"
    repeat = held_out.upper() + "?"  # case and punctuation do not make it a new message
    slovak_gp.write_text(
        slovak_gp.read_text(encoding="utf-8")
        + f"- intent: gp.register\n  metadata:\n    language: sk\n  examples: |\n    - {repeat}\n",
        encoding="utf-8",
    )
    assert problems("rom", tmp_path) == [
        f"{slovak_gp}: {repeat!r} repeats a held-out message of rom; delete it"
    ]
    assert problems("sk", tmp_path) == []
