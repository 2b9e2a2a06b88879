"""Drom's dialogue policy: Rasa's RulePolicy, with its rules looked up instead of searched.

For every prediction (two per message) RulePolicy turns the whole tracker into dialogue states and
tests every memorised rule against them, twice: once with the user's *text* as the last input
(end-to-end rules, written `- user: "some text"`) and once with the intent. Drom's rules are all of
one kind, "after intent X run action Y" (nlu_data/rules.yml), which Rasa memorises as two keys:
`[listen, X] -> Y` and `[listen, X], [Y, X] -> action_listen`. When every trained key has one of
those two shapes and no form is active, `IntentRulePolicy` answers from a table built once from
the trained rules: the same action and the same rule key RulePolicy would find, without the
states. Anything else (Rasa's default intents such as /restart, a turn no rule covers, a model
with rules of other shapes, such as `conversation_start` or slot conditions) is RulePolicy's own
search.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

_LISTENED = {"action_name": ACTION_LISTEN_NAME}


@dataclass(frozen=True)
class IntentRules:
    """The trained rules as two tables: what follows intent X, and that Y after X ends the turn."""

    after_intent: dict[str, tuple[str, str]]  # intent -> (action, rule key)
    after_action: dict[tuple[str, str], str]  # (intent, action) -> rule key predicting action_listen

    @classmethod
    def from_lookup(cls, lookup: dict[str, Any]) -> IntentRules | None:
        """The tables, or None when any memorised rule has another shape (then RulePolicy searches)."""
        if lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH):
            return None
        after_intent: dict[str, tuple[str, str]] = {}
        after_action: dict[tuple[str, str], str] = {}
        for key, action in (lookup.get(RULES) or {}).items():
            states = json.loads(key)
            intent = _listened_then_intent(states[0]) if states else None
            if intent is None:
                return None
            if len(states) == 1:
                after_intent[intent] = (action, key)
            elif len(states) == 2 and action == ACTION_LISTEN_NAME and _action_after(states[1], intent):
                after_action[(intent, states[1]["prev_action"]["action_name"])] = key
            else:
                return None
        return cls(after_intent, after_action)

    def find(self, tracker: DialogueStateTracker) -> tuple[str, str] | None:
        """(action, rule key) for the tracker's last turn, or None when no table entry covers it."""
        intent, actions, before = _last_turn(tracker)
        if intent is None or before != ACTION_LISTEN_NAME:
            return None
        if not actions:
            return self.after_intent.get(intent)
        if len(actions) == 1:  # the table has no action_listen here (from_lookup refuses it)
            key = self.after_action.get((intent, actions[0]))
            return (ACTION_LISTEN_NAME, key) if key else None
        return None


def _listened_then_intent(state: dict[str, Any]) -> str | None:
    """X when the state is exactly "the user said intent X after action_listen"."""
    user = state.get("user") or {}
    if set(state) == {"prev_action", "user"} and state["prev_action"] == _LISTENED and set(user) == {"intent"}:
        return str(user["intent"])
    return None


def _action_after(state: dict[str, Any], intent: str) -> bool:
    """Whether the state is exactly "action Y (not action_listen) ran after the user said intent X"."""
    action = state.get("prev_action") or {}
    return (set(state) == {"prev_action", "user"} and set(action) == {"action_name"}
            and action["action_name"] != ACTION_LISTEN_NAME and state["user"] == {"intent": intent})


def _last_turn(tracker: DialogueStateTracker) -> tuple[str | None, list[str], str | None]:
    """The latest user message's intent, the actions run since it (oldest first), and the action
    run just before it; (None, [], None) when the tracker has no user message."""
    actions: list[str] = []
    intent: str | None = None
    for event in reversed(tracker.applied_events()):
        if isinstance(event, ActionExecuted):
            if intent is not None:
                return intent, actions[::-1], event.action_name
            if event.action_name is None:
                return None, [], None  # an end-to-end bot utterance: not a rule of Drom's shape
            actions.append(event.action_name)
        elif isinstance(event, UserUttered):
            if event.use_text_for_featurization or not event.intent_name:
                return None, [], None
            intent = event.intent_name
    return None, [], None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class IntentRulePolicy(RulePolicy):
    """RulePolicy that looks Drom's intent rules up in a table and skips the search for
    end-to-end (text) rules when there are none."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built from a finished lookup only: while training, RulePolicy predicts with a lookup
        # that is still growing, and then searches as always.
        self.intent_rules = IntentRules.from_lookup(self.lookup) if self.lookup.get(RULES) else None

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        resource = super().train(training_trackers, domain, **kwargs)
        self.intent_rules = IntentRules.from_lookup(self.lookup)
        return resource

    def _has_text_rules(self) -> bool:
        """Not cached: training predicts with a lookup that is still growing (a few dozen keys)."""
        return any('"text"' in key for key in self.lookup.get(RULES, {}))

    def _find_action_from_rules(
        self, tracker: DialogueStateTracker, domain: Domain, use_text_for_last_user_input: bool
    ) -> tuple[str | None, str | None, bool]:
        if tracker.active_loop_name is None:
            if use_text_for_last_user_input:
                if self.intent_rules is not None or not self._has_text_rules():
                    return None, None, False
            elif self.intent_rules is not None:
                found = self.intent_rules.find(tracker)
                if found:
                    return found[0], found[1], False
        return super()._find_action_from_rules(tracker, domain, use_text_for_last_user_input)
