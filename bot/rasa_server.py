"""`python -m bot.rasa_server run ...`: Rasa's own command line, with Drom's actions inside and a few speed fixes.

Drom's custom actions run in Rasa's own process (bot/rasa_actions.py says why and how), and the
model's graph runs without dask's scheduler (bot/rasa_graph_runner.py).

Rasa 3.6 checks every action server response with `jsonschema.validate(result, schema)`. With
jsonschema 4.17 (the newest Rasa allows) that call first checks the *schema* against the 2020-12
meta-schema, every time: about 45 ms of a 60 ms reply on this machine (found with py-spy while
`python -m bot bench` ran). Here the validator for Rasa's constant schema is built once and every
response is still validated against it, so behaviour is unchanged and only the repeated schema
check is gone.

Likewise `Event.resolve_by_type`, called for every event of every tracker Rasa reads, walks all
subclasses of `Event` each time (about a tenth of Rasa's CPU per message); here the name-to-class
table is built once, and a name not in it still goes to Rasa's own lookup.

And once the model is loaded, the objects alive are frozen out of garbage collection
(bot/memory.py): a full collection over the model took about 250 ms, a stall for every reply.
The sentence encoder runs on one OpenMP thread here (OMP_NUM_THREADS=1 unless set, before any
OpenMP runtime loads): Rasa parses one message at a time (bot/rasa_graph_runner.py), and a second
thread spinning idle between messages took the server's CPU per message from 40 to 90 ms.
Everything else is `python -m rasa`.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import functools  # noqa: E402 (after OMP_NUM_THREADS, which OpenMP reads once, when it loads)
from typing import Any

import rasa.core.run
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

from bot import rasa_actions, rasa_graph_runner
from bot.memory import freeze_startup_objects

_resolve_by_type_in_rasa = Event.resolve_by_type
_load_agent_on_start_in_rasa = rasa.core.run.load_agent_on_start


@functools.lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        _response_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from "
            "the Action endpoint is valid."
        )
        raise


@functools.lru_cache(maxsize=1)
def _event_types() -> dict[str, type]:
    return {cls.type_name: cls for cls in reversed(all_subclasses(Event))}  # first match wins, as in Rasa


def _resolve_by_type(type_name: str, default: type | None = None) -> type | None:
    found = _event_types().get(type_name)
    return found if found is not None else _resolve_by_type_in_rasa(type_name, default)


async def _load_agent_then_freeze(*args: Any, **kwargs: Any) -> Any:
    agent = await _load_agent_on_start_in_rasa(*args, **kwargs)
    freeze_startup_objects()
    return agent


def install() -> None:
    """Run the actions in this process and the graph in order, swap in the cached validator and
    event lookup, and freeze the loaded model (idempotent)."""
    rasa_actions.install()
    rasa_graph_runner.install()
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[method-assign]
    rasa.core.run.load_agent_on_start = _load_agent_then_freeze


if __name__ == "__main__":
    from rasa.__main__ import main

    install()
    main()
