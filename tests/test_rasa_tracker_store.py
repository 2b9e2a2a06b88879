"""Rasa's tracker store keeps each conversation's last turns and its slots, in Drom's database
(bot/rasa_tracker_store.py)."""

from __future__ import annotations

import asyncio

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.commands.db import upgrade
from bot.rasa_tracker_store import MemoryTrackerRows, SqlTrackerRows, WindowedTrackerStore, windowed_events


def domain() -> Domain:
    return Domain.load("domain.yml")


def conversation(turns: int) -> DialogueStateTracker:
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
              SlotSet("language", "rom"), SlotSet("language_chosen", True)]
    for n in range(turns):
        events += [UserUttered(f"question {n}", intent={"name": "gp.cost", "confidence": 0.9}),
                   ActionExecuted("action_answer_faq"), BotUttered(f"answer {n}"), ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events("someone", events, slots=domain().slots)


def test_a_short_conversation_is_left_as_it_is() -> None:
    assert windowed_events(conversation(3), keep_user_messages=6) is None


def test_a_long_conversation_keeps_its_last_messages_and_every_slot() -> None:
    events = windowed_events(conversation(20), keep_user_messages=6)
    assert events is not None
    assert [e.text for e in events if isinstance(e, UserUttered)] == [f"question {n}" for n in range(14, 20)]
    restored = DialogueStateTracker.from_events("someone", events, slots=domain().slots)
    assert restored.get_slot("language") == "rom" and restored.get_slot("language_chosen") is True
    assert restored.latest_action_name == "action_listen"
    assert restored.latest_message.text == "question 19"


def sql_store(database_url: str, keep_user_messages: int = 6) -> WindowedTrackerStore:
    upgrade(database_url)
    store = WindowedTrackerStore(domain(), keep_user_messages=keep_user_messages)
    store.rows = SqlTrackerRows(database_url)
    return store


def test_on_postgresql_or_sqlite_the_window_is_saved_where_another_rasa_instance_finds_it(empty_database: str) -> None:
    asyncio.run(sql_store(empty_database, keep_user_messages=4).save(conversation(9)))
    other_instance = sql_store(empty_database, keep_user_messages=4)
    saved = asyncio.run(other_instance.retrieve("someone"))
    assert saved is not None
    assert [e.text for e in saved.events if isinstance(e, UserUttered)] == [f"question {n}" for n in range(5, 9)]
    assert saved.get_slot("language") == "rom"
    asyncio.run(other_instance.save(conversation(10)))  # the row is replaced, not added
    assert list(asyncio.run(other_instance.keys())) == ["someone"]


@pytest.mark.parametrize("rows", ["sql", "memory"])
def test_replacing_the_events_with_none_deletes_the_tracker(empty_database: str, rows: str) -> None:
    store = sql_store(empty_database) if rows == "sql" else WindowedTrackerStore(domain())
    assert isinstance(store.rows, SqlTrackerRows if rows == "sql" else MemoryTrackerRows)  # the tests' SQLite: memory
    asyncio.run(store.save(conversation(2)))
    asyncio.run(store.save(DialogueStateTracker.from_events("someone", [], slots=domain().slots)))
    assert asyncio.run(store.retrieve("someone")) is None
    assert "someone" not in asyncio.run(store.keys())
