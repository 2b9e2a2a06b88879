"""Drom's dialogue policy: Rasa's RulePolicy without the end-to-end pass it never needs.

For every prediction (two per message) RulePolicy looks for a matching rule twice: once with the
user's *text* as the last input (end-to-end rules, written `- user: "some text"`) and once with the
intent. Drom's rules are all intents, so the first pass always finds nothing, yet it turns the
whole tracker into states to find that out: about a millisecond a message on this machine. When
the trained rules contain no text and no form is active, `IntentRulePolicy` skips that pass;
everything else is RulePolicy's own.
"""

from __future__ import annotations

from rasa.core.policies.rule_policy import RULES, RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class IntentRulePolicy(RulePolicy):
    """RulePolicy that skips the search for end-to-end (text) rules when there are none."""

    def _has_text_rules(self) -> bool:
        """Not cached: training predicts with a lookup that is still growing (a few dozen keys)."""
        return any('"text"' in key for key in self.lookup.get(RULES, {}))

    def _find_action_from_rules(
        self, tracker: DialogueStateTracker, domain: Domain, use_text_for_last_user_input: bool
    ) -> tuple[str | None, str | None, bool]:
        if use_text_for_last_user_input and tracker.active_loop_name is None and not self._has_text_rules():
            return None, None, False
        return super()._find_action_from_rules(tracker, domain, use_text_for_last_user_input)
