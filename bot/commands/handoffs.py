"""`python -m bot handoff list|close ID|reply ID TEXT`: work with handoffs from the command line."""

from __future__ import annotations

import argparse

from bot import handoff


def main(args: argparse.Namespace) -> int:
    if args.handoff_command == "list":
        summaries = handoff.open_handoffs()
        if not summaries:
            print("No open handoffs.")
        for summary in summaries:
            flag = " URGENT" if summary.urgent else ""
            print(
                f"#{summary.id}{flag} {summary.language} via {summary.channel}, reason {summary.reason}, "
                f"waiting since {summary.created_at:%Y-%m-%d %H:%M} UTC, {len(summary.messages)} messages"
            )
        return 0
    if args.handoff_command == "close":
        if handoff.close(args.id):
            print(f"Handoff #{args.id} closed; the bot answers this person again.")
            return 0
    elif args.handoff_command == "reply":
        if handoff.reply(args.id, args.text):
            print(f"Reply queued for the person of handoff #{args.id}.")
            return 0
    print(f"There is no open handoff #{args.id}; `python -m bot handoff list` shows the open ones.")
    return 1
