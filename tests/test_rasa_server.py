"""The speed fixes `python -m bot.rasa_server` installs into Rasa change no behaviour."""

from __future__ import annotations

import pytest
import rasa.core.run
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


def test_the_loaded_model_is_frozen_out_of_garbage_collection() -> None:
    import asyncio
    import gc
    from types import SimpleNamespace

    from bot.settings import load_settings

    rasa_server.install()
    assert rasa.core.run.load_agent_on_start is rasa_server._load_agent_then_freeze
    app = SimpleNamespace(ctx=SimpleNamespace())
    try:
        agent = asyncio.run(rasa.core.run.load_agent_on_start(str(load_settings().model_path), None, None, app, None))
        assert agent.is_ready() and app.ctx.agent is agent
        assert gc.get_freeze_count() > 100_000  # the model's objects are no longer scanned
    finally:
        gc.unfreeze()
