"""The rules training and held-out data must follow (docs/nlu-data-format.md), checked in code.

Run `python -m bot.nlu_data_rules sk` while writing data; `tests/test_nlu_data.py` runs it for
every language. `python -m bot.nlu_data_rules --seal DIR` files a new blind round (DIR/<lang>.yml)
into tests/nlu/sealed/ without the messages that repeat a known one, and prints only counts, so
that nobody reads the round before it is scored (docs/evaluation.md, "Caveats").
"""

from __future__ import annotations

import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import yaml

from bot.languages import fold

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FAQ_KEYS = (
    "gp.register", "gp.documents", "gp.cost", "gp.find", "gp.refused", "gp.interpreter", "gp.urgent",
    "school.apply", "school.age", "school.documents", "school.meals", "school.uniform", "school.rights",
    "school.wait",
    "euss.what", "euss.apply", "euss.late", "euss.documents", "euss.prove", "euss.family",
    "euss.presettled", "euss.help", "euss.rejected",
)
# A bare topic ("gp?", "skola"): Drom shows that topic's questions instead of guessing one.
TOPIC_INTENTS = ("topic.gp", "topic.school", "topic.euss")
GENERAL_INTENTS = ("greet", "goodbye", "thank", "human_handoff", "change_language", *TOPIC_INTENTS, "menu")
# "menu" is what a button sends; people rarely type it, so the held-out sets need not have it.
HELD_OUT_INTENTS = (*FAQ_KEYS, *(intent for intent in GENERAL_INTENTS if intent != "menu"))
TRAINING_FILES = ("gp", "school", "euss", "general", "out_of_scope", "menu")
MIN_PER_KEY = 12
MIN_PER_GENERAL = 10
MIN_OUT_OF_SCOPE = 30
HELD_OUT_PER_INTENT = 2
ROMANI_NOTE = "# Romani (rom): awaiting community review."
SEALED_DIR = Path("tests") / "nlu" / "sealed"
SEALED_HEADER = ("# A sealed blind round, filed by `python -m bot.nlu_data_rules --seal` without the messages that\n"
                 "# repeat a training or held-out one. Do not read it before the model to be measured has scored it\n"
                 "# once (`python -m bot evaluate --held-out tests/nlu/sealed`); then move it into tests/nlu/<lang>.yml.\n")


def _blocks(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("nlu") or [])


def _examples(block: dict) -> list[str]:
    lines = str(block.get("examples", "")).splitlines()
    return [line.strip().removeprefix("- ").strip() for line in lines if line.strip()]


def _has_diacritics(text: str) -> bool:
    return any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", text))


def problems(language: str, root: Path = PROJECT_ROOT) -> list[str]:
    """Everything wrong with one language's training and held-out data; empty when it is fine."""
    found: list[str] = []
    counts: dict[str, int] = defaultdict(int)
    seen: dict[str, str] = {}
    plain = 0
    total = 0
    for name in TRAINING_FILES:
        path = root / "nlu_data" / language / f"{name}.yml"
        if not path.exists():
            found.append(f"{path} is missing")
            continue
        if language == "rom" and not path.read_text(encoding="utf-8").startswith(ROMANI_NOTE):
            found.append(f"{path} must start with `{ROMANI_NOTE}`")
        for block in _blocks(path):
            intent = block.get("intent")
            if (block.get("metadata") or {}).get("language") != language:
                found.append(f"{path}: intent {intent} needs `metadata: language: {language}`")
            for text in _examples(block):
                norm = text.casefold().strip(" ?!.,")
                if norm in seen:
                    found.append(f"{path}: {text!r} repeats {seen[norm]!r}")
                seen[norm] = text
                counts[intent] += 1
                total += 1
                plain += not _has_diacritics(text)
    for key in FAQ_KEYS:
        if counts[key] < MIN_PER_KEY:
            found.append(f"{language}: {key} has {counts[key]} examples, needs {MIN_PER_KEY}")
    for intent in GENERAL_INTENTS:
        if counts[intent] < MIN_PER_GENERAL:
            found.append(f"{language}: {intent} has {counts[intent]} examples, needs {MIN_PER_GENERAL}")
    if counts["out_of_scope"] < MIN_OUT_OF_SCOPE:
        found.append(f"{language}: out_of_scope has {counts['out_of_scope']}, needs {MIN_OUT_OF_SCOPE}")
    unknown = set(counts) - set(FAQ_KEYS) - set(GENERAL_INTENTS) - {"out_of_scope"}
    if unknown:
        found.append(f"{language}: unknown intents {sorted(unknown)}")
    if language != "en" and total and plain / total < 0.3:
        found.append(f"{language}: only {plain}/{total} examples without diacritics; aim for a third")
    found += _held_out_problems(language, root)
    return found


def comparable(text: str) -> str:
    """What two messages have in common when they count as the same message for the held-out rule."""
    return fold(text).strip(" ?!.,")


def training_examples(root: Path = PROJECT_ROOT) -> dict[str, tuple[Path, str]]:
    """Every training example of every language, by its comparable form, with the file it is in."""
    examples: dict[str, tuple[Path, str]] = {}
    for path in sorted((root / "nlu_data").glob("*/*.yml")):
        for block in _blocks(path):
            for text in _examples(block):
                examples.setdefault(comparable(text), (path, text))
    return examples


def _held_out_problems(language: str, root: Path) -> list[str]:
    """The held-out set's size, and training examples (of any language) that repeat one of it.

    A repeat is reported by the training example, never by the held-out text, so that whoever
    writes training data can delete it without reading the held-out set. Delete it; a rewording
    written to dodge the test would teach the test.
    """
    path = root / "tests" / "nlu" / f"{language}.yml"
    if not path.exists():
        return [f"{path} is missing"]
    training = training_examples(root)
    found = []
    sealed = root / SEALED_DIR / f"{language}.yml"
    if sealed.exists():
        found += [f"{training[comparable(t)][0]}: {training[comparable(t)][1]!r} repeats a sealed message of {language}; delete it"
                  for block in _blocks(sealed) for t in _examples(block) if comparable(t) in training]
    counts: dict[str, int] = defaultdict(int)
    for block in _blocks(path):
        for text in _examples(block):
            counts[block.get("intent")] += 1
            if comparable(text) in training:
                source, example = training[comparable(text)]
                found.append(f"{source}: {example!r} repeats a held-out message of {language}; delete it")
    for intent in HELD_OUT_INTENTS:
        if counts[intent] < HELD_OUT_PER_INTENT:
            found.append(f"{path}: {intent} needs {HELD_OUT_PER_INTENT} held-out examples")
    return found


def seal(round_dir: Path, root: Path = PROJECT_ROOT) -> dict[str, tuple[int, int]]:
    """File each DIR/<lang>.yml into tests/nlu/sealed/<lang>.yml minus the messages that repeat a
    training example, a held-out message or an earlier message of the round; (kept, dropped) per
    language. Nothing the messages say is returned or printed."""
    known = set(training_examples(root))
    for held_out in sorted((root / "tests" / "nlu").glob("*.yml")):
        known |= {comparable(t) for block in _blocks(held_out) for t in _examples(block)}
    counts: dict[str, tuple[int, int]] = {}
    (root / SEALED_DIR).mkdir(parents=True, exist_ok=True)
    for path in sorted(round_dir.glob("*.yml")):
        kept = dropped = 0
        lines = [SEALED_HEADER, 'version: "3.1"', "nlu:"]
        for block in _blocks(path):
            fresh = []
            for text in _examples(block):
                if comparable(text) in known:
                    dropped += 1
                    continue
                known.add(comparable(text))
                fresh.append(text)
            kept += len(fresh)
            if fresh:
                lines += [f"- intent: {block.get('intent')}", "  examples: |", *(f"    - {t}" for t in fresh)]
        (root / SEALED_DIR / path.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        counts[path.stem] = (kept, dropped)
    return counts


def main(argv: list[str]) -> int:
    if argv[:1] == ["--seal"] and len(argv) == 2:
        for language, (kept, dropped) in seal(Path(argv[1])).items():
            print(f"{language}: sealed {kept}, left out {dropped} repeating a known message")
        return 0
    languages = argv or ["en", "sk", "cs", "ro", "rom"]
    all_problems = [p for lang in languages for p in problems(lang)]
    print("\n".join(all_problems) or f"OK: {', '.join(languages)}")
    return 1 if all_problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
