"""Parsing messages with the trained Rasa model in this process (for `ask`, evaluation and tests).

Rasa is imported only here and only when a model is loaded, so the gateway never pays for it.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.clarification import clarification_candidates
from bot.language_choice import Detection
from bot.nlu_data_rules import GENERAL_INTENTS

OUT_OF_SCOPE_INTENTS = {"out_of_scope", "nlu_fallback"}
# Intents Drom answers as themselves; any other non-FAQ intent is treated as out of scope.
ANSWERED_INTENTS = {*GENERAL_INTENTS, "out_of_scope"}


@dataclass(frozen=True)
class Parse:
    """What the model understood: `intent` is `faq` when `faq` holds a key, else a general intent.
    When the model hesitated between two answerable intents, `clarify` holds both (best first,
    bot.clarification) and `intent`/`faq` describe the first."""

    text: str
    intent: str
    faq: str | None
    confidence: float
    detection: Detection
    clarify: tuple[str, ...] = ()


class ModelMissing(FileNotFoundError):
    """No trained model; the message says how to make one."""


def _quieten_rasa() -> None:
    """Keep Rasa's debug and structured logs off standard output, which `ask --json` owns."""
    import structlog

    logging.getLogger("rasa").setLevel(logging.WARNING)
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )


class NluModel:
    """The trained Rasa model, loaded once."""

    def __init__(self, model_path: Path, faq_keys: set[str]) -> None:
        if not model_path.exists():
            raise ModelMissing(f"No trained model at {model_path}. Run `make train` first.")
        _quieten_rasa()
        from rasa.core.agent import Agent

        from bot import rasa_graph_runner

        rasa_graph_runner.install()  # the graph runs as in the Rasa server
        self._agent = Agent.load(str(model_path))
        self.faq_keys = frozenset(faq_keys)

    async def parse(self, text: str) -> Parse:
        result: dict[str, Any] = await self._agent.parse_message(text)
        name = (result.get("intent") or {}).get("name") or "nlu_fallback"
        confidence = float((result.get("intent") or {}).get("confidence") or 0.0)
        detection = Detection.from_parse(result.get("language"))
        clarify = tuple(clarification_candidates(result, self.faq_keys))
        if clarify:
            name = clarify[0]
            confidence = next(float(r["confidence"]) for r in result["intent_ranking"] if r["name"] == name)
        if name in self.faq_keys:
            return Parse(text, "faq", name, confidence, detection, clarify)
        intent = "out_of_scope" if name in OUT_OF_SCOPE_INTENTS or name not in ANSWERED_INTENTS else name
        return Parse(text, intent, None, confidence, detection, clarify)

    def parse_sync(self, text: str) -> Parse:
        return asyncio.run(self.parse(text))
