"""`python -m bot evaluate`: the trained model on the held-out messages in tests/nlu/, per language.

Prints the key-or-intent accuracy and the language accuracy for each language and overall (and
every miss with `--misses`), and writes reports/evaluation.md with charts (bot.evaluation_report).
`--json` prints one JSON object instead of the table; `--folds K` cross-validates instead of
using the one held-out split.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

from bot.db.faq_repository import list_keys
from bot.db.session import session_scope
from bot.evaluation import HELD_OUT_DIR, LanguageScore, Prediction, held_out_examples, predict, scores_of
from bot.fallback_threshold import configured_threshold, sweep, trained_threshold
from bot.nlu_model import NluModel
from bot.settings import LANGUAGES, load_settings


def report(scores: dict[str, LanguageScore], show_misses: bool) -> str:
    lines = ["language  messages  key/intent  language  (strict)", "--------  --------  ----------  --------  --------"]
    for language in LANGUAGES:
        s = scores[language]
        lines.append(f"{language:<8}  {s.total:>8}  {s.intent_accuracy:>10.1%}  {s.language_accuracy:>8.1%}"
                     f"  {s.language_accuracy_strict:>8.1%}")
    total = sum(s.total for s in scores.values())
    intents = sum(s.intent_correct for s in scores.values()) / total
    languages = sum(s.language_correct for s in scores.values()) / total
    strict = sum(s.language_strict for s in scores.values()) / total
    lines.append(f"{'all':<8}  {total:>8}  {intents:>10.1%}  {languages:>8.1%}  {strict:>8.1%}")
    if show_misses:
        for language in LANGUAGES:
            for text, expected, predicted in scores[language].errors:
                lines.append(f"miss {language}: {text!r} expected {expected}, got {predicted}")
        for language in LANGUAGES:
            for text, answered_in in scores[language].language_errors:
                lines.append(f"language miss {language}: {text!r} answered in {answered_in}")
    return "\n".join(lines)


def figures(scores: dict[str, LanguageScore]) -> dict:
    """The overall figures as one JSON-ready object (the console's retrain compares these)."""
    total = sum(s.total for s in scores.values())
    return {
        "languages": {
            lang: {"messages": s.total, "intent_accuracy": round(s.intent_accuracy, 4),
                   "language_accuracy": round(s.language_accuracy, 4),
                   "language_accuracy_strict": round(s.language_accuracy_strict, 4)}
            for lang, s in scores.items()
        },
        "intent_accuracy": round(sum(s.intent_correct for s in scores.values()) / total, 4),
        "language_accuracy": round(sum(s.language_correct for s in scores.values()) / total, 4),
    }


def _predictions(args: argparse.Namespace, model: Path, keys: set[str], threshold: float) -> dict[str, list[Prediction]]:
    if args.folds:
        from bot.cross_validation import cross_validate

        return cross_validate(args.folds, keys, threshold)
    try:
        examples = held_out_examples(directory=Path(args.held_out or HELD_OUT_DIR))
    except FileNotFoundError as error:
        raise SystemExit(str(error)) from None
    return asyncio.run(predict(NluModel(model, keys), examples, threshold))


def _source(args: argparse.Namespace, model: Path) -> str:
    if args.folds:
        return (f"{args.folds}-fold cross-validation over the training data and the held-out messages together; "
                "each message is predicted by a model trained without it.")
    if args.held_out:
        return f"`{model.name}` on the messages in `{args.held_out}/<lang>.yml`."
    return f"`{model.name}` on the held-out messages in `tests/nlu/<lang>.yml` (never used for training)."


def main(args: argparse.Namespace) -> int:
    if args.folds and args.held_out:
        raise SystemExit("--held-out scores a set of messages with the trained model; --folds cross-validates "
                         "over tests/nlu/ and the training data. Use one of them.")
    settings = load_settings()
    with session_scope() as session:
        keys = set(list_keys(session=session))
    model = Path(args.model) if args.model else settings.model_path
    predictions = _predictions(args, model, keys, settings.language_confidence)
    scores = scores_of(predictions)
    result = figures(scores)
    # Cross-validation trains on config.yml; the held-out run replays the threshold the model has.
    threshold = configured_threshold() if args.folds else trained_threshold(model)
    thresholds = sweep([p for items in predictions.values() for p in items], threshold)
    result["fallback_thresholds"] = [row.as_dict() for row in thresholds]
    if not args.no_report:
        from bot.evaluation_report import write_report
        from bot.language_baselines import guesses

        baselines = {lang: guesses(lang, [p.text for p in items]) for lang, items in predictions.items()}
        rows = write_report(predictions, baselines, Path(args.report_dir), _source(args, model), thresholds)
        for row in rows:
            result["languages"][row.language].update({k: v for k, v in row.as_dict().items()
                                                      if k not in ("language", "messages", "accuracy", "language_accuracy",
                                                                   "language_accuracy_strict")})
    text = report(scores, show_misses=args.misses)
    if args.folds:
        from bot.cross_validation import held_out_only

        subset = scores_of(held_out_only(predictions))
        result["held_out_messages"] = figures(subset)
        text += "\n\nThe held-out messages alone (cross-validated like the rest):\n" + report(subset, show_misses=False)
    print(json.dumps(result) if args.json else text)
    return 0
