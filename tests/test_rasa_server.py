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


def test_the_graph_runs_in_order_with_the_results_dask_gives(nlu_model) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from rasa.core.channels.channel import UserMessage
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.shared.core.events import ActionExecuted, SessionStarted
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.rasa_graph_runner import InOrderGraphRunner

    processor = nlu_model._agent.processor
    in_order = processor.graph_runner
    assert isinstance(in_order, InOrderGraphRunner)
    with_dask = DaskGraphRunner.__new__(DaskGraphRunner)
    with_dask.__dict__.update({k: v for k, v in in_order.__dict__.items() if k != "_orders"})

    def both(run):  # type: ignore[no-untyped-def]
        results = []
        for runner in (with_dask, in_order):
            processor.graph_runner = runner
            results.append(run())
        processor.graph_runner = in_order
        return results

    for text in ("How do I register with a GP?", "ako sa zaregistrujem u doktora", "šukar", "🙂", ""):
        dask_parse, in_order_parse = both(lambda: asyncio.run(processor.parse_message(UserMessage(text))))
        assert in_order_parse == dask_parse and in_order_parse["intent"]["name"]
        tracker = DialogueStateTracker.from_events("graph-test", [
            ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
            UserUttered(text, intent=in_order_parse["intent"], parse_data=in_order_parse),
        ], slots=processor.domain.slots)
        dask_next, in_order_next = both(lambda: processor._predict_next_with_tracker(tracker))
        assert (in_order_next.policy_name, in_order_next.probabilities) == (dask_next.policy_name, dask_next.probabilities)
        assert max(in_order_next.probabilities) > 0.5


def test_a_message_is_parsed_in_the_parser_thread_while_the_event_loop_goes_on(nlu_model) -> None:  # type: ignore[no-untyped-def]
    """The real model's parse, slowed down: other conversations' work must not wait for it."""
    import asyncio
    import threading
    import time

    from rasa.core.channels.channel import UserMessage

    processor = nlu_model._agent.processor
    parse_with_graph = processor._parse_message_with_graph
    threads: list[str] = []

    def slow_parse(*args):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        time.sleep(0.3)
        return parse_with_graph(*args)

    async def parse_while_ticking() -> tuple[dict, int]:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        parsed = await processor.parse_message(UserMessage("ako sa zaregistrujem u doktora"))
        ticker.cancel()
        return parsed, ticks

    processor._parse_message_with_graph = slow_parse
    try:
        parsed, ticks = asyncio.run(parse_while_ticking())
    finally:
        del processor._parse_message_with_graph
    assert parsed["intent"]["name"] == "gp.register"
    assert threads and threads[0].startswith("drom-parse")
    assert ticks >= 10  # the loop ran on through the 0.3 s parse
