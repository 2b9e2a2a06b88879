"""Counting lost and duplicated messages after a load run, from three records that must agree.

- The people's own log (tests/load/people.py): what each one sent, when, and when its answer was
  complete (a person waits at most two minutes, then stops); and, per chat, every message that
  arrived at the channel's fake API, in order.
- The database: each inbound update stored (once: the key is unique) and marked handled, and the
  outbox, each row one answer message for one chat, with when it was queued and delivered.
- The channels' own rendering (bot.channels.*.rendering), to turn outbox rows into what the fake
  API should have received.

Lost: a message that was never answered completely, whose update was not handled, an outbox row
not delivered, or a rendered message that did not arrive at the fake. Duplicated: a message that
arrived at the fake more often than the outbox holds it (delivered twice), or an outbox row queued
while its person had no message in flight (a message handled again after it was answered: a
redelivered update, a retried webhook).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from bot.benchmark import percentile
from bot.channels.telegram.rendering import parts
from bot.channels.whatsapp.rendering import messages as whatsapp_messages
from bot.db.models import Conversation, Handoff, OutboxMessage, ProcessedUpdate
from bot.db.session import session_scope
from tests.fakes.whatsapp_graph_api import text_of
from tests.load.people import Person

MAX_EXAMPLES = 8


@dataclass
class Audit:
    unanswered: int = 0  # messages with no complete answer, or with an answer but no reply at the fake
    unhandled: int = 0  # messages whose update is not stored as handled
    undelivered: int = 0  # outbox rows never delivered
    missing_at_fake: int = 0  # rendered outbox messages the fake never received
    delivered_twice: int = 0  # messages the fake received more often than the outbox holds them
    handled_again: int = 0  # outbox rows queued while their person had no message in flight
    late: int = 0  # answered, but not completely within the people's timeout (not lost; they gave up)
    out_of_order_chats: int = 0  # chats whose messages arrived complete but in another order
    handoffs: int = 0  # conversations handed to a champion (none expected: the bot would go quiet)
    stored_updates: int = 0
    sent_messages: int = 0
    # per channel, p50 and p95 of stored -> handled (ms): the wait at the channel's in-order handler plus Rasa
    stored_to_handled_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return self.unanswered + self.unhandled + self.undelivered + self.missing_at_fake

    @property
    def duplicated(self) -> int:
        return self.delivered_twice + self.handled_again

    def note(self, example: str) -> None:
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(example)

    def as_dict(self) -> dict:
        return {**self.__dict__, "lost": self.lost, "duplicated": self.duplicated}


def rendered(person: Person, body: dict) -> list[str]:
    """What the person's fake API should receive for one outbox row."""
    if person.channel == "telegram":
        return [text for text, _ in parts(body)]
    return [text_of(m) for m in whatsapp_messages(person.chat, body, "Choose")]


def _epoch(moment: dt.datetime) -> float:
    return moment.replace(tzinfo=dt.timezone.utc).timestamp()


def _check_person(audit: Audit, person: Person, rows: list, handled: dict[str, bool]) -> None:
    for turn in person.turns:
        if turn.completed_wall is None or turn.latency_ms is None:
            # The person gave up after this turn, so any reply since it was sent is its answer.
            if len(person.replies) > turn.replies_before and handled.get(turn.key):
                audit.late += 1
            else:
                audit.unanswered += 1
                audit.note(f"{person.channel} {person.chat}: {turn.text!r} (key {turn.key}) got no answer")
        if not handled.get(turn.key):
            audit.unhandled += 1
            audit.note(f"{person.channel} {person.chat}: update {turn.key} not stored as handled")
    in_flight = [(t.sent_wall, t.completed_wall or float("inf")) for t in person.turns]
    expected: list[str] = []
    for body, created_at, delivered_at in rows:
        queued = _epoch(created_at)
        if not any(start <= queued <= end for start, end in in_flight):
            audit.handled_again += 1
            audit.note(f"{person.channel} {person.chat}: outbox row queued {created_at}, no message in flight")
        if delivered_at is None:  # counted here, and so not expected at the fake
            audit.undelivered += 1
            audit.note(f"{person.channel} {person.chat}: outbox row queued {created_at} never delivered")
        else:
            expected += rendered(person, json.loads(body))
    seen = [text for _, text in person.replies]
    missing, extra = Counter(expected) - Counter(seen), Counter(seen) - Counter(expected)
    audit.missing_at_fake += sum(missing.values())
    audit.delivered_twice += sum(extra.values())
    if missing or extra:
        audit.note(f"{person.channel} {person.chat}: missing {dict(missing)}, extra {dict(extra)}")
    elif seen != expected:
        audit.out_of_order_chats += 1
        audit.note(f"{person.channel} {person.chat}: messages arrived in another order than queued")


def audit_run(database_url: str, people: list[Person]) -> Audit:
    """Compare the people's log, the fakes' records and the database (see the module docstring)."""
    audit = Audit(sent_messages=sum(len(p.turns) for p in people))
    with session_scope(database_url) as session:
        updates = session.execute(select(ProcessedUpdate.channel, ProcessedUpdate.update_key,
                                         ProcessedUpdate.received_at, ProcessedUpdate.processed_at)).all()
        handled = {key: done is not None for _, key, _, done in updates}
        audit.stored_updates = len(updates)
        for channel in sorted({u.channel for u in updates}):
            waits = [(u.processed_at - u.received_at).total_seconds() * 1000 for u in updates
                     if u.channel == channel and u.processed_at is not None]
            audit.stored_to_handled_ms[channel] = {"p50": round(percentile(waits, 50), 1),
                                                   "p95": round(percentile(waits, 95), 1)}
        audit.handoffs = session.scalar(select(func.count(Handoff.id))) or 0
        rows_by_chat: dict[tuple[str, str], list] = {}
        for channel, chat, body, created_at, delivered_at in session.execute(
            select(Conversation.channel, Conversation.external_id, OutboxMessage.body,
                   OutboxMessage.created_at, OutboxMessage.delivered_at)
            .join(OutboxMessage, OutboxMessage.conversation_id == Conversation.id)
            .order_by(OutboxMessage.id)
        ):
            rows_by_chat.setdefault((channel, chat), []).append((body, created_at, delivered_at))
    for person in people:
        _check_person(audit, person, rows_by_chat.get((person.channel, person.chat), []), handled)
    return audit
