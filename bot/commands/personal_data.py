"""`python -m bot retention` and `python -m bot export-user`: a person's data, kept only as long as
needed (bot.retention) and given to them on request (everything Drom's database holds about one
person on one channel, as JSON; Rasa keeps only the last few turns, see bot/rasa_tracker_store.py)."""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import asdict
from typing import Any

from sqlalchemy import select

from bot.db.conversation_repository import find_conversation
from bot.db.models import OutboxMessage, UnansweredQuestion
from bot.db.session import session_scope
from bot.gateway.rasa_client import RasaClient
from bot.retention import apply_retention
from bot.settings import load_settings

CHANNELS = ("telegram", "whatsapp", "webchat")


def add_parser(commands: argparse._SubParsersAction) -> None:
    retention = commands.add_parser("retention", help="delete conversations quiet for RETENTION_DAYS (default 90)")
    retention.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    export = commands.add_parser("export-user", help="everything stored about one person, as JSON")
    export.add_argument("--channel", choices=CHANNELS, required=True)
    export.add_argument("--id", required=True, help="their id on that channel (Telegram chat id, WhatsApp number)")


def _time(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None


def export_user(*, channel: str, external_id: str) -> dict[str, Any] | None:
    """The person's data as a JSON-ready dict; None when Drom holds nothing about them."""
    with session_scope() as session:
        conversation = find_conversation(session=session, channel=channel, external_id=external_id)
        if conversation is None:
            return None
        outbox = session.scalars(select(OutboxMessage).where(OutboxMessage.conversation_id == conversation.id))
        unanswered = session.scalars(select(UnansweredQuestion).where(UnansweredQuestion.conversation_id == conversation.id))
        return {
            "channel": channel,
            "id_on_channel": external_id,
            "language": conversation.language,
            "first_seen": _time(conversation.created_at),
            "last_seen": _time(conversation.last_seen_at),
            "handoffs": [{
                "opened": _time(h.created_at), "closed": _time(h.closed_at), "status": h.status,
                "language": h.language, "reason": h.reason, "outcome": h.outcome, "helped": h.helped,
                "messages": [{"from": m.role, "text": m.text, "at": _time(m.created_at),
                              "attachments": [a.filename for a in m.attachments]} for m in h.messages],
                "champion_notes": [{"text": n.text, "at": _time(n.created_at)} for n in h.notes],
            } for h in conversation.handoffs],
            "messages_waiting_for_delivery": [json.loads(m.body) for m in outbox if m.delivered_at is None],
            "questions_drom_could_not_answer": [{"text": q.text, "language": q.language} for q in unanswered],
        }


def main(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.command == "retention":
        async def run() -> None:
            rasa = None if args.dry_run else RasaClient(settings.rasa_urls, settings.rasa_timeout_seconds)
            try:
                removed = await apply_retention(rasa, settings.retention_days, dry_run=args.dry_run)
            finally:
                if rasa is not None:
                    await rasa.close()
            print(json.dumps({"retention_days": settings.retention_days, "dry_run": args.dry_run, **asdict(removed)}))

        asyncio.run(run())
        return 0
    data = export_user(channel=args.channel, external_id=args.id)
    if data is None:
        print(f"Drom holds nothing about {args.channel} user {args.id}.")
        return 1
    print(json.dumps(data, ensure_ascii=False, indent=2))
    return 0
