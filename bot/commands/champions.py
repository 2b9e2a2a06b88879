"""`python -m bot champions add|list|remove`: who may answer handoffs, and in which languages."""

from __future__ import annotations

import argparse

from bot.db.champion_repository import (
    ChampionError,
    add_champion,
    list_champions,
    remove_champion,
    set_active,
)
from bot.db.session import session_scope


def add_parser(commands: argparse._SubParsersAction) -> None:
    champions = commands.add_parser("champions", help="community champions who answer handoffs")
    sub = champions.add_subparsers(dest="champions_command", required=True)
    add = sub.add_parser("add", help="register a champion (or update one already registered)")
    add.add_argument("--telegram-id", type=int, required=True, help="their numeric Telegram user id")
    add.add_argument("--name", required=True, help="the name people see before each reply")
    add.add_argument("--languages", required=True, help="comma-separated: rom,sk,cs,ro,en")
    add.add_argument("--rota", help='weekly hours, e.g. "mon-fri 09:00-17:00; sat 10:00-13:00" (default CHAMPION_HOURS)')
    sub.add_parser("list", help="every champion, with languages and whether active")
    remove = sub.add_parser("remove", help="remove a champion")
    remove.add_argument("--telegram-id", type=int, required=True)
    for name, text in (("deactivate", "pause a champion: no handoffs, not named on cards"),
                       ("activate", "resume a paused champion")):
        toggle = sub.add_parser(name, help=text)
        toggle.add_argument("--telegram-id", type=int, required=True)


def main(args: argparse.Namespace) -> int:
    try:
        with session_scope() as session:
            if args.champions_command == "add":
                champion = add_champion(
                    session=session, telegram_user_id=args.telegram_id, name=args.name,
                    languages=args.languages, rota=getattr(args, "rota", None),
                )
                print(f"Champion {champion.display_name} ({champion.languages}) can now answer handoffs.")
            elif args.champions_command == "list":
                champions = list_champions(session=session)
                for c in champions:
                    state = "active" if c.active else "inactive"
                    print(f"{c.telegram_user_id}\t{c.display_name}\t{c.languages}\t{c.rota or 'default hours'}\t{state}")
                if not champions:
                    print("No champions yet. Add one: python -m bot champions add --telegram-id ID --name NAME --languages sk,rom")
            elif args.champions_command in ("activate", "deactivate"):
                active = args.champions_command == "activate"
                if not set_active(session=session, telegram_user_id=args.telegram_id, active=active):
                    print(f"No champion has Telegram id {args.telegram_id}; `champions list` shows who is registered.")
                    return 1
                print(f"Champion {args.telegram_id} is now {'active' if active else 'inactive'}.")
            elif not remove_champion(session=session, telegram_user_id=args.telegram_id):
                print(f"No champion has Telegram id {args.telegram_id}; `champions list` shows who is registered.")
                return 1
            else:
                print(f"Champion {args.telegram_id} removed.")
    except ChampionError as error:
        print(error)
        return 2
    return 0
