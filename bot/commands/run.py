"""`python -m bot run`: start Rasa (with Drom's actions inside) and the gateway; Ctrl-C stops both."""

from __future__ import annotations

import argparse
import signal

from bot.commands.users import FIRST_ACCOUNT_HINT
from bot.db.session import session_scope
from bot.db.user_repository import count_users
from bot.settings import PROJECT_ROOT, load_settings
from bot.stack import Stack, StackError


def _has_accounts() -> bool:
    with session_scope() as session:
        return count_users(session=session) > 0


def main(args: argparse.Namespace) -> int:
    stack = Stack(settings=load_settings(), log_dir=PROJECT_ROOT / "var" / "log")
    # Ctrl-C (even when started from a shell that ignores SIGINT in the background) and SIGTERM stop both.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    print("Starting Rasa and the gateway (logs in var/log/) ...", flush=True)
    try:
        stack.start()
        print(f"Drom is running. Local web chat: {stack.gateway_url}/  (Ctrl-C stops everything)", flush=True)
        print(f"Console for champions and staff: {stack.gateway_url}/console", flush=True)
        if not _has_accounts():
            print(FIRST_ACCOUNT_HINT.format(url=stack.gateway_url), flush=True)
        exited = stack.wait()
        print(f"{exited} stopped unexpectedly; see var/log/{exited}.log. Stopping the others.", flush=True)
        return 1
    except StackError as error:
        print(error, flush=True)
        return 1
    except KeyboardInterrupt:
        print("\nStopping Drom ...", flush=True)
        return 0
    finally:
        stack.stop()
