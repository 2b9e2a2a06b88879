"""When the model hesitates between two answers, Drom asks which one the person meant.

Rasa's FallbackClassifier (config.yml) predicts `nlu_fallback` in two cases: the best intent is
below `threshold`, or the best two are closer than `ambiguity_threshold`. The first is a question
Drom does not know. The second is usually a question Drom knows in two neighbouring ways ("do I
need money for the GP": is it free, or which documents?), and answering "I don't know" there
would be a dead end. So when both candidates are things Drom can answer (a FAQ key or a topic
menu), it shows them as two buttons, best first, with the champion button.

The parse data tells the two cases apart by itself: the fallback's confidence is the threshold,
so a real intent ranked at or above it means the fallback was for ambiguity.

A message that names two topics ("school or doctor") asks too, whatever the fallback says: when
the best two intents are both bare topics and the second has at least `TWO_TOPICS_FLOOR`. With
the sentence embeddings the model became sure enough to pick one topic (0.61 against 0.37), and
showing one topic's questions to someone who named two hides the other.
"""

from __future__ import annotations

from typing import Any, Iterable

FALLBACK_INTENT = "nlu_fallback"
TOPIC_PREFIX = "topic."
TWO_TOPICS_FLOOR = 0.2


def answerable(intent: str, faq_keys: Iterable[str]) -> bool:
    """A FAQ key, or a topic whose questions Drom can list."""
    return intent in faq_keys or intent.startswith(TOPIC_PREFIX)


def clarification_candidates(parse: dict[str, Any], faq_keys: Iterable[str]) -> list[str]:
    """The two intents to offer when the fallback came from ambiguity between answerable ones,
    best first; an empty list when Drom should say it does not know."""
    intent = (parse.get("intent") or {}).get("name")
    ranking = parse.get("intent_ranking") or []
    if intent != FALLBACK_INTENT:
        return _two_topics(ranking)
    if not ranking:
        return []
    threshold = next((float(r.get("confidence") or 0) for r in ranking if r.get("name") == FALLBACK_INTENT), None)
    candidates = [r for r in ranking if r.get("name") != FALLBACK_INTENT][:2]
    keys = set(faq_keys)
    if (
        threshold is None
        or len(candidates) < 2
        or float(candidates[0].get("confidence") or 0) < threshold
        or not all(answerable(str(c.get("name")), keys) for c in candidates)
    ):
        return []
    return [str(c["name"]) for c in candidates]


def _two_topics(ranking: list[dict[str, Any]]) -> list[str]:
    """Both topics when the best two intents are topics and the second is not negligible."""
    best = ranking[:2]
    if (len(best) == 2 and all(str(r.get("name", "")).startswith(TOPIC_PREFIX) for r in best)
            and float(best[1].get("confidence") or 0) >= TWO_TOPICS_FLOOR):
        return [str(r["name"]) for r in best]
    return []
