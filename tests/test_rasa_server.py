"""The speed fixes `python -m bot.rasa_server` installs into Rasa change no behaviour."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from bot import rasa_server


def test_event_types_resolve_as_in_rasa() -> None:
    names = {cls.type_name for cls in all_subclasses(Event)}
    before = {name: Event.resolve_by_type(name) for name in names}
    rasa_server.install()
    assert {name: Event.resolve_by_type(name) for name in names} == before
    assert Event.resolve_by_type("user") is UserUttered and Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("topic") is None  # Rasa's old-event special case still applies
    with pytest.raises(ValueError):
        Event.resolve_by_type("no such event")


def test_action_responses_are_still_validated() -> None:
    rasa_server.install()
    assert RemoteAction._validate_action_result(None, {"events": [], "responses": [{"text": "hi"}]})  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        RemoteAction._validate_action_result(None, {"events": "not a list"})  # type: ignore[arg-type]
