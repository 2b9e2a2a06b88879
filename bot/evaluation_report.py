"""The evaluation report: `python -m bot evaluate` writes reports/evaluation.md and its charts.

Figures per language: FAQ/intent accuracy and macro-F1, a confusion matrix (PNG), the most
confused pairs, out-of-scope precision and recall (an out-of-scope question answered with a FAQ is
counted on its own: it is the worst error), and language identification accuracy with a cs/sk
confusion table, compared on the same messages with lingua (restricted to English, Slovak, Czech
and Romanian) and langdetect.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from bot.evaluation import OUT_OF_SCOPE, LanguageScore, Prediction
from bot.fallback_threshold import ThresholdRow
from bot.language_baselines import BASELINES
from bot.settings import LANGUAGES


@dataclass(frozen=True)
class LanguageFigures:
    language: str
    messages: int
    accuracy: float
    macro_f1: float
    oos_precision: float | None
    oos_recall: float | None
    oos_answered_with_faq: int
    oos_total: int
    asked_which: int  # Drom asked which of two answers was meant (counted above by the first)
    asked_which_offered_right: int  # ... and the expected one was among the two
    language_accuracy: float  # a message written the same in several languages counts in any of them
    language_accuracy_strict: float  # in its own language only
    baselines: dict[str, float | None]  # lingua / langdetect accuracy; None: language not supported

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _macro_f1(predictions: list[Prediction]) -> float:
    from sklearn.metrics import f1_score

    labels = sorted({p.expected for p in predictions})
    return float(f1_score([p.expected for p in predictions], [p.predicted for p in predictions],
                          labels=labels, average="macro", zero_division=0))


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def figures(language: str, predictions: list[Prediction], baselines: dict[str, list[str | None]]) -> LanguageFigures:
    oos_expected = [p for p in predictions if p.expected == OUT_OF_SCOPE]
    oos_predicted = [p for p in predictions if p.predicted == OUT_OF_SCOPE]
    hits = sum(p.expected == OUT_OF_SCOPE for p in oos_predicted)
    return LanguageFigures(
        language=language,
        messages=len(predictions),
        accuracy=sum(p.expected == p.predicted for p in predictions) / len(predictions),
        macro_f1=_macro_f1(predictions),
        oos_precision=_ratio(hits, len(oos_predicted)),
        oos_recall=_ratio(hits, len(oos_expected)),
        oos_answered_with_faq=sum(p.answered_with_faq for p in oos_expected),
        oos_total=len(oos_expected),
        asked_which=sum(bool(p.offered) for p in predictions),
        asked_which_offered_right=sum(p.expected in p.offered for p in predictions),
        language_accuracy=sum(p.language_right(p.predicted_language) for p in predictions) / len(predictions),
        language_accuracy_strict=sum(p.predicted_language == language for p in predictions) / len(predictions),
        baselines={
            name: (None if guesses is None else sum(p.language_right(g) for p, g in zip(predictions, guesses)) / len(guesses))
            for name, guesses in baselines.items()
        },
    )


def confused_pairs(predictions: list[Prediction], most: int = 10) -> list[tuple[str, str, int]]:
    pairs = Counter((p.expected, p.predicted) for p in predictions if p.expected != p.predicted)
    return [(a, b, n) for (a, b), n in pairs.most_common(most)]


def confusion_chart(language: str, predictions: list[Prediction], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    labels = sorted({p.expected for p in predictions} | {p.predicted for p in predictions})
    matrix = confusion_matrix([p.expected for p in predictions], [p.predicted for p in predictions], labels=labels)
    figure, axes = plt.subplots(figsize=(9, 8))
    axes.imshow(matrix, cmap="Greens")
    axes.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    axes.set_yticks(range(len(labels)), labels, fontsize=7)
    axes.set_xlabel("predicted")
    axes.set_ylabel("expected")
    axes.set_title(f"{language}: FAQ key / intent confusion")
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i, j]:
                axes.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=6)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def language_chart(rows: list[LanguageFigures], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = ["Drom", *BASELINES]
    figure, axes = plt.subplots(figsize=(8, 4))
    width = 0.8 / len(names)
    for index, name in enumerate(names):
        values = [(r.language_accuracy if name == "Drom" else (r.baselines[name] or 0)) * 100 for r in rows]
        axes.bar([x + index * width for x in range(len(rows))], values, width, label=name)
    axes.set_xticks([x + width for x in range(len(rows))], [r.language for r in rows])
    axes.set_ylabel("language identification accuracy (%)")
    axes.set_ylim(0, 100)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def cs_sk_table(predictions: dict[str, list[Prediction]]) -> list[tuple[str, int, int, int]]:
    """(written in, identified as cs, as sk, as something else) for Czech and Slovak messages."""
    rows = []
    for language in ("cs", "sk"):
        guesses = Counter(p.predicted_language for p in predictions.get(language, []))
        rows.append((language, guesses["cs"], guesses["sk"], sum(guesses.values()) - guesses["cs"] - guesses["sk"]))
    return rows


def _pct(value: float | None) -> str:
    return "unsupported" if value is None else f"{value:.1%}"


def threshold_lines(thresholds: Sequence[ThresholdRow]) -> list[str]:
    lines = ["", "### A higher fallback threshold", "",
             "The same predictions replayed with the FallbackClassifier's threshold raised (bot/fallback_threshold.py):",
             "below it Drom says it does not know and offers a champion. \"Answers lost\" were right at the",
             "configured threshold (the first row).", "",
             "| threshold | accuracy | out-of-scope answered with a FAQ | answers lost |", "|---|---|---|---|"]
    lines += [f"| {r.threshold:.2f} | {r.accuracy:.1%} | {r.oos_answered_with_faq} of {r.oos_total} "
              f"({_pct(_ratio(r.oos_answered_with_faq, r.oos_total))}) | {r.answers_lost} |" for r in thresholds]
    return lines


def write_report(predictions: dict[str, list[Prediction]], baselines: dict[str, dict[str, list[str | None]]],
                 out_dir: Path, source: str, thresholds: Sequence[ThresholdRow] = ()) -> list[LanguageFigures]:
    """Write reports/evaluation.md and the PNG charts; returns the figures per language.

    `source` says in a sentence which model and which messages the predictions come from;
    `thresholds` (bot.fallback_threshold.sweep) adds the table of higher fallback thresholds."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = [figures(lang, predictions[lang], baselines[lang]) for lang in LANGUAGES if predictions.get(lang)]
    for row in rows:
        confusion_chart(row.language, predictions[row.language], out_dir / f"confusion-{row.language}.png")
    language_chart(rows, out_dir / "language-identification.png")
    everything = [p for lang in LANGUAGES for p in predictions.get(lang, [])]
    shared = sum(bool(p.also_written_in) for p in everything)
    lines = [
        "# Drom: NLU evaluation",
        "",
        f"Written by `python -m bot evaluate` on {dt.date.today().isoformat()}: {source}",
        "Charts: `confusion-<lang>.png`, `language-identification.png` beside this file.",
        "",
        "## FAQ keys and intents",
        "",
        "Accuracy counts the first answer. When the model hesitates between two answers Drom offers",
        "both as buttons (\"asked which\", with how often the expected one was among them); an",
        "out-of-scope question offered a FAQ that way counts as answered with a FAQ.",
        "",
        "| language | messages | accuracy | macro-F1 | out-of-scope precision | out-of-scope recall | out-of-scope answered with a FAQ | asked which (right one offered) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r.language} | {r.messages} | {r.accuracy:.1%} | {r.macro_f1:.3f} | {_pct(r.oos_precision)} | "
                     f"{_pct(r.oos_recall)} | {r.oos_answered_with_faq} of {r.oos_total} | "
                     f"{r.asked_which} ({r.asked_which_offered_right}) |")
    total = len(everything)
    oos = sum(r.oos_total for r in rows)
    lines += [
        f"| all | {total} | {sum(p.expected == p.predicted for p in everything) / total:.1%} | "
        f"{_macro_f1(everything):.3f} | | | {sum(r.oos_answered_with_faq for r in rows)} of {oos} | "
        f"{sum(r.asked_which for r in rows)} ({sum(r.asked_which_offered_right for r in rows)}) |",
        "", "### Most confused pairs", "", "| language | expected | predicted | times |", "|---|---|---|---|",
    ]
    for lang in LANGUAGES:
        for expected, predicted, n in confused_pairs(predictions.get(lang, []), most=5):
            lines.append(f"| {lang} | {expected} | {predicted} | {n} |")
    if thresholds:
        lines += threshold_lines(thresholds)
    lines += ["", "## Language identification", "",
              "Drom's identifier against lingua (restricted to English, Slovak, Czech and Romanian) and",
              "langdetect, on the same messages. Neither knows Romani. A message written the same way in",
              "several languages' sets (\"gp prosim\" is Romani and Slovak) counts as right in any of them,",
              f"for every identifier; \"strict\" counts only the set's own language ({shared} such messages).", "",
              f"| language | Drom | Drom strict | {' | '.join(BASELINES)} |", "|---|---|---|" + "---|" * len(BASELINES)]
    for r in rows:
        lines.append(f"| {r.language} | {r.language_accuracy:.1%} | {r.language_accuracy_strict:.1%} | "
                     + " | ".join(_pct(r.baselines[name]) for name in BASELINES) + " |")
    four = [r for r in rows if r.language != "rom"]
    if four:
        count = sum(r.messages for r in four)
        drom = sum(r.language_accuracy * r.messages for r in four) / count
        strict = sum(r.language_accuracy_strict * r.messages for r in four) / count
        lines.append(f"| en+sk+cs+ro | {drom:.1%} | {strict:.1%} | " + " | ".join(
            f"{sum((r.baselines[n] or 0) * r.messages for r in four) / count:.1%}" for n in BASELINES) + " |")
    lines += ["", "### Czech and Slovak", "", "| written in | identified as cs | as sk | as another language |",
              "|---|---|---|---|"]
    lines += [f"| {lang} | {cs} | {sk} | {other} |" for lang, cs, sk, other in cs_sk_table(predictions)]
    (out_dir / "evaluation.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rows
