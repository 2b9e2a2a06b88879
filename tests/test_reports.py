"""Smoke versions of the evaluation and the benchmark (no timing is asserted: figures live in the
reports), and the cross-validation split."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.cross_validation import held_out_only, write_fold_data, pool, split
from bot.evaluation import Prediction, held_out_examples, mark_shared_spellings, scores_of
from bot.settings import Settings
from tests.conftest import LANGUAGES


def run_bot(*args: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_evaluate_writes_the_report_and_prints_json(tmp_path: Path) -> None:
    figures = run_bot("evaluate", "--json", "--report-dir", str(tmp_path))
    for language in LANGUAGES:
        row = figures["languages"][language]
        assert row["messages"] >= 40
        assert 0 <= row["macro_f1"] <= 1 and 0 <= row["intent_accuracy"] <= 1
        assert row["oos_total"] > 0 and row["oos_answered_with_faq"] <= row["oos_total"]
    assert figures["languages"]["rom"]["baselines"] == {"lingua": None, "langdetect": None}  # Romani: unsupported
    assert figures["languages"]["sk"]["baselines"]["lingua"] is not None
    report = (tmp_path / "evaluation.md").read_text(encoding="utf-8")
    assert "| rom |" in report and "unsupported" in report and "### Czech and Slovak" in report
    assert "### A higher fallback threshold" in report and len(figures["fallback_thresholds"]) == 5
    assert 0 <= figures["languages"]["sk"]["language_accuracy_strict"] <= figures["languages"]["sk"]["language_accuracy"]
    assert all((tmp_path / f"confusion-{lang}.png").stat().st_size > 1000 for lang in LANGUAGES)
    assert (tmp_path / "language-identification.png").exists()


def test_evaluate_scores_another_set_of_messages_such_as_a_sealed_blind_round(tmp_path: Path) -> None:
    sealed = tmp_path / "sealed"
    sealed.mkdir()
    for language in LANGUAGES:
        first, second = held_out_examples(language)[:2]
        (sealed / f"{language}.yml").write_text(
            'version: "3.1"\nnlu:\n'
            f"- intent: {first.expected}\n  examples: |\n    - {first.text}\n"
            f"- intent: {second.expected}\n  examples: |\n    - {second.text}\n", encoding="utf-8")
    figures = run_bot("evaluate", "--json", "--held-out", str(sealed), "--report-dir", str(tmp_path / "report"))
    assert {lang: row["messages"] for lang, row in figures["languages"].items()} == {lang: 2 for lang in LANGUAGES}
    assert f"`{sealed}/<lang>.yml`" in (tmp_path / "report" / "evaluation.md").read_text(encoding="utf-8")

    (sealed / "rom.yml").unlink()
    result = subprocess.run([sys.executable, "-m", "bot", "evaluate", "--held-out", str(sealed), "--no-report"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode != 0 and "No rom.yml in" in result.stderr


@pytest.mark.stack
def test_bench_drives_people_through_the_web_chat(stack: str, stack_settings: Settings, tmp_path: Path) -> None:
    result = run_bot("bench", "--users", "3", "--seconds", "3", "--json", "--gateway", stack,
                     "--rasa", stack_settings.rasa_url, "--report-dir", str(tmp_path))
    assert result["errors"] == 0 and result["messages"] > 0
    assert set(result) >= {"p50_ms", "p95_ms", "p99_ms", "messages_per_second", "errors", "parse_floor_p95_ms"}
    assert result["p50_ms"] <= result["p95_ms"] <= result["p99_ms"]
    assert "Rasa /model/parse" in (tmp_path / "benchmark.md").read_text(encoding="utf-8")


def test_cpu_per_message_is_read_from_proc() -> None:
    import os

    from bot.benchmark import cpu_ms_per_message, cpu_seconds

    before = {"me": cpu_seconds(os.getpid()), "gone": None}
    sum(i * i for i in range(2_000_000))
    after = {"me": cpu_seconds(os.getpid()), "gone": None}
    figures = cpu_ms_per_message(before, after, messages=10)
    assert set(figures) == {"me"} and figures["me"] > 0


def test_a_message_written_the_same_in_two_languages_counts_in_either_but_not_in_a_third() -> None:
    def guess(text: str, language: str, answered_in: str) -> Prediction:
        return Prediction(text, language, "topic.gp", "topic.gp", answered_in)

    marked = mark_shared_spellings({
        "rom": [guess("gp prosim", "rom", "sk"), guess("doktoriste", "rom", "sk")],
        "sk": [guess("GP prosím?", "sk", "sk"), guess("gp prosim", "sk", "en")],
    })
    assert marked["rom"][0].also_written_in == frozenset({"sk"}) and not marked["rom"][1].also_written_in
    scores = scores_of(marked)
    assert (scores["rom"].language_correct, scores["rom"].language_strict) == (1, 0)
    assert (scores["sk"].language_correct, scores["sk"].language_strict) == (1, 1)
    assert [text for text, _ in scores["sk"].language_errors] == ["gp prosim"]


def test_cross_validation_folds_cover_every_message_once_and_every_language() -> None:
    examples = pool()
    folds = split(examples, 5)
    assert sorted(len(f) for f in folds)[-1] - sorted(len(f) for f in folds)[0] <= len(LANGUAGES) * 30
    assert Counter(e for f in folds for e in f) == Counter(examples)
    for fold in folds:
        assert {e.language for e in fold} == set(LANGUAGES)
    assert split(examples, 5) == folds  # reproducible


def test_cross_validation_reports_the_held_out_messages_apart_from_the_training_data() -> None:
    held_out = held_out_examples("sk")[0]
    training = next(e for e in pool() if e.language == "sk" and e not in held_out_examples("sk"))
    predictions = {"sk": [Prediction(e.text, "sk", e.expected, e.expected, "sk") for e in (held_out, training)]}
    assert [p.text for p in held_out_only(predictions)["sk"]] == [held_out.text]


def test_cross_validation_folds_are_training_data_the_language_identifier_can_learn(tmp_path: Path) -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.nlu.language_identifier import LanguageIdentifier

    training = split(pool(), 5)[0]
    write_fold_data(tmp_path / "data", training)
    data = load_data(str(tmp_path / "data" / "sk"))
    texts, labels = LanguageIdentifier._training_examples(data)
    assert texts and set(labels) == {"sk"}


def test_a_higher_fallback_threshold_turns_unsure_answers_into_i_dont_know() -> None:
    from bot.fallback_threshold import configured_threshold, sweep

    def said(expected: str, predicted: str, confidence: float) -> Prediction:
        return Prediction("x", "en", expected, predicted, "en", answered_with_faq=predicted.startswith("gp."),
                          confidence=confidence)

    predictions = [said("out_of_scope", "gp.register", 0.35), said("out_of_scope", "gp.free", 0.9),
                   said("gp.free", "gp.free", 0.45), said("gp.free", "gp.register", 0.25),
                   said("out_of_scope", "out_of_scope", 0.1)]
    rows = {row.threshold: row for row in sweep(predictions, 0.2)}
    assert sorted(rows) == [0.2, 0.3, 0.4, 0.5, 0.6]
    assert (rows[0.2].oos_answered_with_faq, rows[0.2].answers_lost, rows[0.2].accuracy) == (2, 0, 0.4)
    assert (rows[0.4].oos_answered_with_faq, rows[0.4].answers_lost, rows[0.4].accuracy) == (1, 0, 0.6)
    assert (rows[0.5].oos_answered_with_faq, rows[0.5].answers_lost, rows[0.5].accuracy) == (1, 1, 0.4)
    assert rows[0.2].oos_total == 3
    assert 0 < configured_threshold() < 1  # read from config.yml's FallbackClassifier


def test_the_held_out_threshold_table_starts_at_the_threshold_the_model_was_trained_with(tmp_path: Path) -> None:
    """`evaluate --model old.tar.gz` replays that model's threshold, not config.yml's."""
    import io
    import tarfile

    from bot.fallback_threshold import configured_threshold, trained_threshold
    from bot.settings import load_settings

    assert trained_threshold(load_settings().model_path) == configured_threshold()
    metadata = json.dumps({"predict_schema": {"nodes": {
        "run_FallbackClassifier6": {"uses": "rasa.nlu.classifiers.fallback_classifier.FallbackClassifier",
                                    "config": {"threshold": 0.45}}}}}).encode()
    model = tmp_path / "older.tar.gz"
    with tarfile.open(model, "w:gz") as archive:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(metadata)
        archive.addfile(info, io.BytesIO(metadata))
    assert trained_threshold(model) == 0.45
