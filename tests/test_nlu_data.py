"""The training and held-out data follow docs/nlu-data-format.md in every language."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.evaluation import held_out_examples
from bot.nlu_data_rules import PROJECT_ROOT, _blocks, _examples, problems, seal
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


def test_a_blind_round_is_sealed_without_repeats_and_guarded_afterwards(tmp_path: Path) -> None:
    shutil.copytree(PROJECT_ROOT / "nlu_data", tmp_path / "nlu_data")
    shutil.copytree(PROJECT_ROOT / "tests" / "nlu", tmp_path / "tests" / "nlu", ignore=shutil.ignore_patterns("sealed"))
    training_text = _examples(_blocks(tmp_path / "nlu_data" / "sk" / "gp.yml")[0])[0]
    round_dir = tmp_path / "round"
    round_dir.mkdir()
    (round_dir / "sk.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: gp.register\n  examples: |\n'
        f"    - {training_text.upper()}!\n    - {held_out_examples('rom')[0].text}\n"
        "    - novy doktor pre babku co prisla vcera\n    - Novy doktor pre babku co prisla vcera?\n"
        "- intent: out_of_scope\n  examples: |\n    - kolko stoji vodicak v leedsi\n", encoding="utf-8")
    assert seal(round_dir, tmp_path) == {"sk": (2, 3)}
    sealed = tmp_path / "tests" / "nlu" / "sealed" / "sk.yml"
    assert [(b["intent"], _examples(b)) for b in _blocks(sealed)] == [
        ("gp.register", ["novy doktor pre babku co prisla vcera"]), ("out_of_scope", ["kolko stoji vodicak v leedsi"])]
    school = tmp_path / "nlu_data" / "sk" / "school.yml"
    school.write_text(school.read_text(encoding="utf-8") + "- intent: out_of_scope\n  metadata:\n    language: sk\n"
                      "  examples: |\n    - Kolko stoji vodicak v Leedsi\n", encoding="utf-8")
    assert f"{school}: 'Kolko stoji vodicak v Leedsi' repeats a sealed message of sk; delete it" in problems("sk", tmp_path)
