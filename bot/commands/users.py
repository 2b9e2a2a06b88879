"""`python -m bot users create|list`: console accounts (admin, staff, champion)."""

from __future__ import annotations

import argparse
import getpass
import os

from bot.db.session import session_scope
from bot.db.user_repository import CONSOLE_LOCALES, ROLES, AccountError, create_user, list_users

FIRST_ACCOUNT_HINT = (
    "No console accounts yet. Create the first admin:\n"
    "  DROM_NEW_PASSWORD='a long password' .venv/bin/python -m bot users create --role admin --username NAME\n"
    "then sign in at {url}/console"
)


def add_parser(commands: argparse._SubParsersAction) -> None:
    users = commands.add_parser("users", help="console accounts")
    sub = users.add_subparsers(dest="users_command", required=True)
    create = sub.add_parser("create", help="create an account (password from DROM_NEW_PASSWORD or a prompt)")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, help=f"one or more, comma-separated: {','.join(ROLES)}")
    create.add_argument("--languages", default="", help="for champions: the handoff languages, e.g. sk,rom")
    create.add_argument("--locale", default="en", help=f"the console's language: {', '.join(CONSOLE_LOCALES)}")
    sub.add_parser("list", help="every account with its roles and languages")


def _password() -> str:
    given = os.environ.get("DROM_NEW_PASSWORD")
    if given:
        return given
    first = getpass.getpass("Password (at least 10 characters): ")
    if first != getpass.getpass("Again: "):
        raise AccountError("The two passwords differ; nothing was created.")
    return first


def main(args: argparse.Namespace) -> int:
    try:
        with session_scope() as session:
            if args.users_command == "create":
                user = create_user(session=session, username=args.username, password=_password(),
                                   roles=args.role, languages=args.languages, locale=args.locale)
                print(f"Account {user.username} ({user.roles}) created. Sign in at /console.")
            else:
                users = list_users(session=session)
                for u in users:
                    print(f"{u.username}\t{u.roles}\t{u.languages or '-'}\t{u.locale}\t{'active' if u.active else 'inactive'}")
                if not users:
                    print(FIRST_ACCOUNT_HINT.format(url="http://127.0.0.1:8000"))
    except AccountError as error:
        print(error)
        return 2
    return 0
