"""`python -m bot db upgrade`: migrate the database to the newest schema and seed the FAQ content."""

from __future__ import annotations

import logging

from alembic import command
from alembic.config import Config

from bot.content import load_content
from bot.db.faq_repository import seed_content
from bot.db.session import session_scope
from bot.settings import PROJECT_ROOT, load_settings

logger = logging.getLogger(__name__)


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "bot" / "db" / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str | None = None) -> int:
    """Migrate and seed; returns the number of answers added or updated from the content files."""
    settings = load_settings()
    url = database_url or settings.database_url
    command.upgrade(alembic_config(url), "head")
    content = load_content(settings.content_dir)
    with session_scope(url) as session:
        changed = seed_content(session=session, content=content)
    return changed


def main(args: object) -> int:
    changed = upgrade()
    print(f"Database is up to date; {changed} FAQ answers added or updated from content/faq.")
    return 0
