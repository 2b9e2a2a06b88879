"""`python -m bot evaluate`: the trained model on the held-out messages in tests/nlu/, per language.

Prints the key-or-intent accuracy and the language accuracy for each language, the overall figures,
and every miss, so the numbers in docs/evaluation.md can be reproduced with one command.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

from bot.db.faq_repository import list_keys
from bot.db.session import session_scope
from bot.evaluation import LanguageScore, evaluate, load_examples
from bot.nlu_model import NluModel
from bot.settings import LANGUAGES, PROJECT_ROOT, load_settings

HELD_OUT = PROJECT_ROOT / "tests" / "nlu"


def report(scores: dict[str, LanguageScore], show_misses: bool) -> str:
    lines = ["language  messages  key/intent  language", "--------  --------  ----------  --------"]
    for language in LANGUAGES:
        s = scores[language]
        lines.append(f"{language:<8}  {s.total:>8}  {s.intent_accuracy:>10.1%}  {s.language_accuracy:>8.1%}")
    total = sum(s.total for s in scores.values())
    intents = sum(s.intent_correct for s in scores.values()) / total
    languages = sum(s.language_correct for s in scores.values()) / total
    lines.append(f"{'all':<8}  {total:>8}  {intents:>10.1%}  {languages:>8.1%}")
    if show_misses:
        for language in LANGUAGES:
            for text, expected, predicted in scores[language].errors:
                lines.append(f"miss {language}: {text!r} expected {expected}, got {predicted}")
    return "\n".join(lines)


def figures(scores: dict[str, LanguageScore]) -> dict:
    """The per-language and overall figures as one JSON-ready object."""
    total = sum(s.total for s in scores.values())
    return {
        "languages": {
            lang: {"messages": s.total, "intent_accuracy": round(s.intent_accuracy, 4),
                   "language_accuracy": round(s.language_accuracy, 4)}
            for lang, s in scores.items()
        },
        "intent_accuracy": round(sum(s.intent_correct for s in scores.values()) / total, 4),
        "language_accuracy": round(sum(s.language_correct for s in scores.values()) / total, 4),
    }


def main(args: argparse.Namespace) -> int:
    settings = load_settings()
    with session_scope() as session:
        keys = set(list_keys(session=session))
    model = NluModel(Path(args.model) if args.model else settings.model_path, keys)
    examples = [e for lang in LANGUAGES for e in load_examples(HELD_OUT / f"{lang}.yml")]
    scores = asyncio.run(evaluate(model, examples, settings.language_confidence))
    print(json.dumps(figures(scores)) if args.json else report(scores, show_misses=args.misses))
    return 0
