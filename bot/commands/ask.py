"""`python -m bot ask [--json] [MESSAGE ...]`: what Drom understands and answers, message by message.

Each message is treated as the start of a new conversation (no channel hint, no earlier choice).
The model is loaded once; messages come from the arguments or, one per line, from standard input.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterable

from bot import replies
from bot.clarification import TOPIC_PREFIX
from bot.db.faq_repository import list_keys
from bot.db.session import session_scope
from bot.faq_answers import faq_replies, topic_questions
from bot.language_choice import resolve_language
from bot.languages import language_named_in
from bot.nlu_model import NluModel, Parse
from bot.settings import load_settings


def answer_for(parse: Parse, language: str) -> list[replies.Reply]:
    """The replies the bot gives to this message at the start of a conversation."""
    if parse.clarify:
        return [replies.did_you_mean(language, parse.clarify)]
    if parse.faq:
        return faq_replies(parse.faq, language) or [replies.dont_know(language)]
    if parse.intent == "greet":
        return [replies.welcome(language), replies.topic_menu(language)]
    if parse.intent.startswith(TOPIC_PREFIX):
        return [topic_questions(parse.intent.removeprefix(TOPIC_PREFIX), language)]
    if parse.intent == "change_language":
        named = language_named_in(parse.text)
        return [replies.language_changed(named)] if named else [replies.choose_language(language)]
    simple = {
        "goodbye": replies.goodbye,
        "thank": replies.thanks,
        "human_handoff": replies.handoff_started,
        "menu": replies.topic_menu,
    }
    return [simple.get(parse.intent, replies.dont_know)(language)]


async def ask_all(model: NluModel, messages: Iterable[str], as_json: bool) -> None:
    threshold = load_settings().language_confidence
    for text in messages:
        text = text.strip()
        if not text:
            continue
        parse = await model.parse(text)
        language = resolve_language(
            current=None, chosen=False, detection=parse.detection, hint=None, threshold=threshold
        )
        answers = answer_for(parse, language)
        answer = "\n\n".join(reply.text for reply in answers)
        if as_json:
            record = {
                "text": text,
                "language": language,
                "intent": parse.intent,
                "faq": parse.faq,
                "clarify": list(parse.clarify),
                "confidence": round(parse.confidence, 4),
                "answer": answer,
            }
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            buttons = " ".join(f"[{button.title}]" for reply in answers for button in reply.buttons)
            print(f"> {text}\n{answer}\n" + (f"{buttons}\n" if buttons else ""), flush=True)


def main(args: argparse.Namespace) -> int:
    settings = load_settings()
    with session_scope() as session:
        keys = set(list_keys(session=session))
    model = NluModel(settings.model_path, keys)
    messages: Iterable[str] = args.message or sys.stdin
    asyncio.run(ask_all(model, messages, args.json))
    return 0
