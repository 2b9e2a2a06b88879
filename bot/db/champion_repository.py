"""Champions: who may answer handoffs, and in which languages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Champion
from bot.rota import RotaError, parse_rota
from bot.settings import LANGUAGES


class ChampionError(ValueError):
    """A champion cannot be added or changed; the message says why and what to do."""


def parse_languages(raw: str) -> str:
    """'sk, ROM' -> 'sk,rom'; refuses codes Drom does not speak."""
    codes = [code.strip().lower() for code in raw.split(",") if code.strip()]
    unknown = [code for code in codes if code not in LANGUAGES]
    if not codes or unknown:
        raise ChampionError(f"Languages must be a comma-separated list of {', '.join(LANGUAGES)}; got {raw!r}.")
    return ",".join(dict.fromkeys(codes))


def add_champion(
    *, session: Session, telegram_user_id: int, name: str, languages: str, rota: str | None = None
) -> Champion:
    """Register a champion, or update the name and languages of one already registered."""
    name = name.strip()
    if not name or len(name) > 80:
        raise ChampionError("The display name must be 1 to 80 characters; people see it before each reply.")
    champion = find_by_telegram_id(session=session, telegram_user_id=telegram_user_id)
    if champion is None:
        champion = Champion(telegram_user_id=telegram_user_id)
        session.add(champion)
    champion.display_name = name
    champion.languages = parse_languages(languages)
    if rota is not None:
        try:
            parse_rota(rota)
        except RotaError as error:
            raise ChampionError(f"--rota: {error}") from None
        champion.rota = rota.strip() or None
    champion.active = True
    session.flush()
    return champion


def find_by_telegram_id(*, session: Session, telegram_user_id: int) -> Champion | None:
    return session.scalars(select(Champion).where(Champion.telegram_user_id == telegram_user_id)).first()


def find_active(*, session: Session, telegram_user_id: int) -> Champion | None:
    champion = find_by_telegram_id(session=session, telegram_user_id=telegram_user_id)
    return champion if champion is not None and champion.active else None


def list_champions(*, session: Session) -> list[Champion]:
    return list(session.scalars(select(Champion).order_by(Champion.display_name)))


def speakers_of(*, session: Session, language: str) -> list[Champion]:
    """Active champions who speak `language`."""
    return [c for c in list_champions(session=session) if c.active and language in c.language_codes]


def remove_champion(*, session: Session, telegram_user_id: int) -> bool:
    """Delete a champion; the handoffs they claimed stay, unclaimed."""
    champion = find_by_telegram_id(session=session, telegram_user_id=telegram_user_id)
    if champion is None:
        return False
    session.delete(champion)
    return True


def set_active(*, session: Session, telegram_user_id: int, active: bool) -> bool:
    """Pause or resume a champion (kept on record, with their rota); False if there is none."""
    champion = find_by_telegram_id(session=session, telegram_user_id=telegram_user_id)
    if champion is None:
        return False
    champion.active = active
    return True
