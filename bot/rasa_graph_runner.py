"""Rasa's model graph run node after node, in an order worked out once per set of targets.

Rasa 3.6 runs its trained graph three times for every message: once to parse it, and once for each
of the two next-action predictions. Each time `DaskGraphRunner` walks the schema for the nodes the
targets need (a recursive list, rebuilt on every call), builds a dask task graph from them, and
hands it to dask's scheduler, which orders the tasks again. On this machine that bookkeeping was
about 1.2 ms of Rasa's CPU per message (py-spy), more than a prediction's own work. The nodes and
what each one is given are exactly as under dask: this runner only remembers the order.

Rasa also parses a message inside its event loop, so while one message is embedded (the sentence
encoder, about 20-40 ms: bot/nlu/sentence_embedding_featurizer.py) no other conversation moves.
`install()` makes Rasa parse in one worker thread instead: parses still run one at a time, as the
components expect, but the event loop goes on with other conversations' predictions, actions and
replies meanwhile, on the other core (the encoder releases the GIL). At 50 simultaneous people
this took the reply p95 from 288 to 136 ms (docs/evaluation.md, "The benchmark").
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import rasa.core.processor
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.trackers import DialogueStateTracker

Step = tuple[str, tuple[str, ...]]  # a node's name and the names of what it needs, in order


class InOrderGraphRunner(DaskGraphRunner):
    """`DaskGraphRunner` without dask: the same nodes, called in a remembered topological order."""

    def _steps(self, targets: tuple[str, ...]) -> list[Step]:
        orders: dict[tuple[str, ...], list[Step]] = self.__dict__.setdefault("_orders", {})
        if targets not in orders:
            nodes = self._graph_schema.minimal_graph_schema(list(targets)).nodes
            steps: list[Step] = []
            visited: set[str] = set()

            def visit(name: str) -> None:
                if name in visited or name not in nodes:  # not a node: an input placeholder
                    return
                visited.add(name)
                needs = tuple(nodes[name].needs.values())
                for need in needs:
                    visit(need)
                steps.append((name, needs))

            for target in targets:
                visit(target)
            orders[targets] = steps
        return orders[targets]

    def run(self, inputs: dict[str, Any] | None = None, targets: list[str] | None = None) -> dict[str, Any]:
        """Runs the graph (see Rasa's GraphRunner.run); the same results as DaskGraphRunner."""
        run_targets = tuple(targets if targets else self._graph_schema.target_names)
        results: dict[str, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in self._graph_schema.nodes:
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none of the input "
                    f"names passed to the `run` method are the same as node names in the graph schema."
                )
            results[name] = (name, value)
        try:
            for name, needs in self._steps(run_targets):
                if name not in results:  # an input of the same name stands in for the node, as in dask
                    # A need that is neither a node nor an input is passed as its name, as dask does.
                    results[name] = self._instantiated_nodes[name](*(results.get(need, need) for need in needs))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(results[target] for target in run_targets)


_parse_message_in_rasa = MessageProcessor.parse_message
_PARSER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drom-parse")


async def _parse_message_in_a_thread(
    self: MessageProcessor, message: UserMessage, tracker: DialogueStateTracker | None = None,
    only_output_properties: bool = True,
) -> dict[str, Any]:
    """Rasa's `MessageProcessor.parse_message`, with the graph run in `_PARSER`'s one thread (and
    without its debug log of the message's text)."""
    if self.http_interpreter:
        return await _parse_message_in_rasa(self, message, tracker, only_output_properties)
    tracker = tracker or DialogueStateTracker.from_events(message.sender_id, [])
    parse_data: dict[str, Any] = await asyncio.get_running_loop().run_in_executor(
        _PARSER, self._parse_message_with_graph, message, tracker, only_output_properties)
    self._update_full_retrieval_intent(parse_data)
    self._check_for_unseen_features(parse_data)
    return parse_data


def install() -> None:
    """Make every model Rasa loads from now on (`Agent.load`, the server's /model) use this runner,
    and every message be parsed in the parser thread."""
    rasa.core.processor.DaskGraphRunner = InOrderGraphRunner  # type: ignore[misc]
    MessageProcessor.parse_message = _parse_message_in_a_thread  # type: ignore[method-assign]
