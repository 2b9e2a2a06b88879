"""`python -m bot`: Drom's command line. `python -m bot --help` lists the commands."""

from __future__ import annotations

import argparse
import logging
import sys

from bot.commands import bench, champions, embeddings, personal_data, users
from bot.settings import REPORTS_DIR, load_settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Drom's command line.")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("run", help="start Rasa and the gateway (what `make run` does)")
    commands.add_parser("serve", help="start only the gateway (web chat and API)")

    db = commands.add_parser("db", help="the database")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="migrate to the newest schema and seed content/faq")

    ask = commands.add_parser("ask", help="what Drom understands and answers, one message per line")
    ask.add_argument("--json", action="store_true", help="one JSON object per message")
    ask.add_argument("message", nargs="*", help="messages (each argument is one); default: standard input")

    evaluate = commands.add_parser("evaluate", help="accuracy on the held-out messages in tests/nlu/")
    evaluate.add_argument("--misses", action="store_true", help="also list every message it got wrong")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object with the figures")
    evaluate.add_argument("--model", help="the model file to evaluate (default: the trained model)")
    evaluate.add_argument("--folds", type=int, default=0, help="K-fold cross-validation instead of the held-out split")
    evaluate.add_argument("--report-dir", default=str(REPORTS_DIR), help="where evaluation.md and the charts go")
    evaluate.add_argument("--no-report", action="store_true", help="only print the figures")
    evaluate.add_argument("--held-out", metavar="DIR",
                          help="score the messages in DIR/<lang>.yml instead of tests/nlu/ (a sealed blind round)")

    champions.add_parser(commands)
    users.add_parser(commands)
    bench.add_parser(commands)
    embeddings.add_parser(commands)
    personal_data.add_parser(commands)

    handoffs = commands.add_parser("handoff", help="handoffs to champions")
    handoff_commands = handoffs.add_subparsers(dest="handoff_command", required=True)
    handoff_commands.add_parser("list", help="open handoffs, urgent and longest waiting first")
    close = handoff_commands.add_parser("close", help="close a handoff; the bot answers the person again")
    close.add_argument("id", type=int)
    reply = handoff_commands.add_parser("reply", help="send a champion's reply to the person")
    reply.add_argument("id", type=int)
    reply.add_argument("text")
    return parser


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from bot.memory import freeze_startup_objects
    from bot.web.app import create_app

    settings = load_settings()
    app = create_app(settings)
    freeze_startup_objects()  # see bot/memory.py
    # ws="none": the gateway has no websockets, and Rasa pins a websockets older than uvicorn's.
    # The console's live lists are long-lived streams: give them 5 s to end when stopping.
    uvicorn.run(
        app, host=settings.host, port=settings.port, log_level="warning", ws="none",
        timeout_graceful_shutdown=5,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = load_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if args.command == "serve":
        return serve(args)
    if args.command == "run":
        from bot.commands import run

        return run.main(args)
    if args.command == "db":
        from bot.commands import db

        return db.main(args)
    if args.command == "ask":
        from bot.commands import ask

        return ask.main(args)
    if args.command == "champions":
        return champions.main(args)
    if args.command == "users":
        return users.main(args)
    if args.command == "bench":
        return bench.main(args)
    if args.command == "embeddings":
        return embeddings.main(args)
    if args.command in ("retention", "export-user"):
        return personal_data.main(args)
    if args.command == "evaluate":
        from bot.commands import evaluate

        return evaluate.main(args)
    from bot.commands import handoffs

    return handoffs.main(args)


if __name__ == "__main__":
    sys.exit(main())
