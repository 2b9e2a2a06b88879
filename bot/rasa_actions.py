"""Drom's custom actions run inside Rasa's own process, with rasa-sdk's executor.

Rasa 3.6 sends every custom action over HTTP to a separate rasa-sdk action server: the tracker is
serialised to JSON and posted over a new connection (Rasa opens a fresh aiohttp session per call),
parsed again by Sanic, run, and the reply serialised, sent back and parsed. On this machine that
hop and its extra process were about 4 ms of a 19 ms reply (docs/evaluation.md). Rasa Pro 3.10
added the same remedy as `action_endpoint: actions_module: ...`; this is it for Rasa 3.6. When
endpoints.yml names `actions_module`, rasa-sdk's own `ActionExecutor` runs the action in this
process with the same action call, and the reply is checked and turned into events exactly as
Rasa does with an action server's. The actions' database work already runs in a worker thread
(actions/threaded_action.py), so Rasa's event loop goes on serving other conversations meanwhile.
Without `actions_module` Rasa calls the action server at `url` as usual.
"""

from __future__ import annotations

import functools
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.events import Event, deserialise_events
from rasa.shared.exceptions import RasaException
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection as SdkActionExecutionRejection
from rasa_sdk.interfaces import ActionNotFoundException

ACTIONS_MODULE_KEY = "actions_module"

_run_over_http = RemoteAction.run


@functools.lru_cache(maxsize=None)
def executor_for(module: str) -> ActionExecutor:
    """rasa-sdk's executor with every action of `module` (a package such as `actions`) registered."""
    executor = ActionExecutor()
    executor.register_package(module)
    if not executor.actions:
        raise RasaException(f"No custom actions found in '{module}'; check `actions_module` in endpoints.yml.")
    return executor


async def run_action(action: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list[Event]:
    """`RemoteAction.run`, with the action run in this process when endpoints.yml names `actions_module`."""
    module = action.action_endpoint.kwargs.get(ACTIONS_MODULE_KEY) if action.action_endpoint else None
    if not module:
        return await _run_over_http(action, output_channel, nlg, tracker, domain)
    try:
        response = await executor_for(module).run(action._action_call_format(tracker, domain)) or {}
    except SdkActionExecutionRejection as rejection:  # the action declined: other policies may predict
        raise ActionExecutionRejection(rejection.action_name, rejection.message) from rejection
    except ActionNotFoundException as error:
        raise RasaException(f"Custom action '{action.name()}' is not in '{module}'. {error.message}") from error
    action._validate_action_result(response)
    bot_messages = await action._utter_responses(response.get("responses", []), output_channel, nlg, tracker)
    return [*bot_messages, *deserialise_events(response.get("events", []))]


def install() -> None:
    """Make Rasa run custom actions through `run_action` (idempotent)."""
    RemoteAction.run = run_action  # type: ignore[method-assign]
