"""IntentRulePolicy's rule table predicts exactly what RulePolicy's own search predicts."""

from __future__ import annotations

import copy
import json

import pytest
from rasa.core.policies.rule_policy import RULES
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_policy import IntentRulePolicy, IntentRules

RASA_DEFAULT_INTENTS = ("restart", "back", "session_start")  # Rasa maps these to its own actions, not rules
START = [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted(), ActionExecuted(ACTION_LISTEN_NAME)]


@pytest.fixture(scope="module")
def trained(nlu_model):  # type: ignore[no-untyped-def]
    """The trained policy and domain, and the same policy searching its rules as RulePolicy does."""
    nodes = nlu_model._agent.processor.graph_runner._instantiated_nodes
    policy = next(n._component for n in nodes.values() if isinstance(n._component, IntentRulePolicy))
    searching = copy.copy(policy)
    searching.intent_rules = None
    return policy, searching, nlu_model._agent.domain


def _said(intent: str, **extra: object) -> UserUttered:
    return UserUttered(f"/{intent}", {"name": intent, "confidence": 1.0}, **extra)  # type: ignore[arg-type]


def _same_prediction(trained, events: list) -> str:  # type: ignore[no-untyped-def]
    policy, searching, domain = trained
    tracker = DialogueStateTracker.from_events("someone", events, domain.slots)
    fast = policy.predict_action_probabilities(tracker, domain)
    slow = searching.predict_action_probabilities(DialogueStateTracker.from_events("someone", events, domain.slots), domain)
    assert (fast.probabilities, fast.hide_rule_turn, fast.events, fast.is_end_to_end_prediction, fast.policy_name) == (
        slow.probabilities, slow.hide_rule_turn, slow.events, slow.is_end_to_end_prediction, slow.policy_name)
    return domain.action_names_or_texts[max(range(len(fast.probabilities)), key=fast.probabilities.__getitem__)]


def test_the_trained_rules_are_all_in_the_table(trained) -> None:  # type: ignore[no-untyped-def]
    policy, _, domain = trained
    assert policy.intent_rules is not None, "a rule in nlu_data/rules.yml has a shape the table does not know"
    for intent in domain.intents:
        if intent not in RASA_DEFAULT_INTENTS:
            assert intent in policy.intent_rules.after_intent, intent


def test_every_intent_and_the_turn_after_it(trained) -> None:  # type: ignore[no-untyped-def]
    policy, _, domain = trained
    for intent in domain.intents:
        action = _same_prediction(trained, [*START, _said(intent)])
        if intent not in RASA_DEFAULT_INTENTS:
            answered = [*START, _said(intent), ActionExecuted(action)]
            for events in ([*START, _said(intent)], answered):  # the table answers, not the search
                assert policy.intent_rules.find(DialogueStateTracker.from_events("someone", events, domain.slots))
            assert _same_prediction(trained, answered) == ACTION_LISTEN_NAME


def test_turns_the_rules_do_not_cover(trained) -> None:  # type: ignore[no-untyped-def]
    menu, faq = _said("menu"), _said("gp.register")
    cases = [
        START,  # no user message yet
        [*START, faq, ActionExecuted("action_greet")],  # another action than the rule's
        [*START, faq, ActionExecuted("action_answer_faq"), ActionExecuted("action_thank")],  # two actions
        [*START, faq, ActionExecuted("action_answer_faq"), ActionExecuted(ACTION_LISTEN_NAME)],
        [*START, _said("restart")],  # a Rasa default intent
        [ActionExecuted(ACTION_LISTEN_NAME), faq],  # no session start
        [*START, faq, ActionExecuted("action_answer_faq"), ActionExecuted(ACTION_LISTEN_NAME), menu],  # a later turn
        [*START, _said("school.apply", entities=[{"entity": "topic", "value": "school", "start": 0, "end": 6}])],
    ]
    for events in cases:
        _same_prediction(trained, events)
    assert _same_prediction(trained, [*START, faq, ActionExecuted("action_greet")]) == "action_dont_know"  # core fallback


def test_other_rule_shapes_leave_the_search_to_rasa() -> None:
    listened = {"prev_action": {"action_name": ACTION_LISTEN_NAME}, "user": {"intent": "greet"}}
    simple = {RULES: {json.dumps([listened]): "action_greet"}}
    assert IntentRules.from_lookup(simple) == IntentRules({"greet": ("action_greet", json.dumps([listened]))}, {})
    with_slot = {**listened, "slots": {"language": (1.0,)}}
    text = {"prev_action": {"action_name": ACTION_LISTEN_NAME}, "user": {"text": "hi"}}
    start = [{}, listened]
    for states in ([with_slot], [text], start, [listened, listened]):
        assert IntentRules.from_lookup({RULES: {json.dumps(states): "action_greet"}}) is None, states
    assert IntentRules.from_lookup({**simple, "rules_for_loop_unhappy_path": {"x": "y"}}) is None
