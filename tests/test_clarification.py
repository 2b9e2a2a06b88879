"""When the model hesitates between two answers, Drom asks which one was meant (bot.clarification)."""

from __future__ import annotations

from bot.clarification import clarification_candidates

KEYS = {"gp.cost", "gp.documents", "school.apply"}


def parse(*ranking: tuple[str, float], intent: str = "nlu_fallback") -> dict:
    return {"intent": {"name": intent, "confidence": dict(ranking).get(intent, 0.2)},
            "intent_ranking": [{"name": name, "confidence": c} for name, c in ranking]}


def test_two_close_answers_are_both_offered_best_first() -> None:
    assert clarification_candidates(
        parse(("nlu_fallback", 0.2), ("gp.cost", 0.52), ("gp.documents", 0.46), ("gp.find", 0.01)), KEYS
    ) == ["gp.cost", "gp.documents"]


def test_a_topic_menu_is_an_answer_too() -> None:
    assert clarification_candidates(
        parse(("nlu_fallback", 0.2), ("school.apply", 0.5), ("topic.school", 0.42)), KEYS
    ) == ["school.apply", "topic.school"]


def test_a_question_below_the_threshold_is_not_known() -> None:
    assert clarification_candidates(parse(("nlu_fallback", 0.2), ("gp.cost", 0.15), ("gp.documents", 0.12)), KEYS) == []


def test_hesitating_with_out_of_scope_or_small_talk_is_not_known() -> None:
    assert clarification_candidates(parse(("nlu_fallback", 0.2), ("gp.cost", 0.45), ("out_of_scope", 0.4)), KEYS) == []
    assert clarification_candidates(parse(("nlu_fallback", 0.2), ("thank", 0.45), ("gp.cost", 0.4)), KEYS) == []


def test_a_confident_prediction_needs_no_question() -> None:
    assert clarification_candidates(parse(("gp.cost", 0.9), ("gp.documents", 0.05), intent="gp.cost"), KEYS) == []
    assert clarification_candidates({}, KEYS) == []


def test_a_message_naming_two_topics_asks_which_even_when_the_model_picks_one() -> None:
    assert clarification_candidates(
        parse(("topic.gp", 0.61), ("topic.school", 0.37), ("school.apply", 0.01), intent="topic.gp"), KEYS
    ) == ["topic.gp", "topic.school"]
    assert clarification_candidates(parse(("topic.gp", 0.9), ("topic.school", 0.08), intent="topic.gp"), KEYS) == []
    assert clarification_candidates(parse(("topic.euss", 0.8), ("euss.what", 0.11), intent="topic.euss"), KEYS) == []
    assert clarification_candidates(parse(("topic.gp", 1.0), intent="topic.gp"), KEYS) == []  # a button
