"""Every setting Drom reads from the environment, in one place.

Each setting has a safe default so that `make run` works with no configuration at all
(SQLite, no tokens, a local web chat on 127.0.0.1). The README lists every variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REPORTS_DIR = PROJECT_ROOT / "reports"  # where `evaluate` and `bench` write their reports
EMBEDDING_SEED = PROJECT_ROOT / "nlu_data" / "embeddings.npz"  # the training examples' embeddings, committed
LANGUAGES = ("rom", "sk", "cs", "ro", "en")
DEFAULT_LANGUAGE = "en"


class SettingsError(ValueError):
    """A setting has a value Drom cannot use; the message says which and what to do."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} is {raw!r}; set it to a whole number (default {default}).") from None


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(f"{name} is {raw!r}; set it to a number (default {default}).") from None


@dataclass(frozen=True)
class TelegramSettings:
    """The Telegram channel; it runs only when `bot_token` is set."""

    bot_token: str | None = None
    api_base_url: str = "https://api.telegram.org/bot"
    champions_chat_id: int | None = None
    champions_language: str = "en"  # the language of the cards and replies in the champions' group
    webhook_url: str | None = None
    webhook_secret: str | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.bot_token)


@dataclass(frozen=True)
class WhatsAppSettings:
    """The WhatsApp Cloud API channel; it runs only when token, phone number id and app secret are set."""

    token: str | None = None
    phone_number_id: str | None = None
    app_secret: str | None = None
    verify_token: str | None = None
    api_base_url: str = "https://graph.facebook.com/v21.0"
    reopen_template: str | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.token and self.phone_number_id and self.app_secret)


def _whatsapp() -> WhatsAppSettings:
    return WhatsAppSettings(
        token=os.environ.get("WHATSAPP_TOKEN") or None,
        phone_number_id=os.environ.get("WHATSAPP_PHONE_NUMBER_ID") or None,
        app_secret=os.environ.get("WHATSAPP_APP_SECRET") or None,
        verify_token=os.environ.get("WHATSAPP_VERIFY_TOKEN") or None,
        api_base_url=(os.environ.get("WHATSAPP_API_BASE_URL") or "https://graph.facebook.com/v21.0").rstrip("/"),
        reopen_template=os.environ.get("WHATSAPP_REOPEN_TEMPLATE") or None,
    )


def _telegram() -> TelegramSettings:
    champions = os.environ.get("TELEGRAM_CHAMPIONS_CHAT_ID") or None
    webhook_url = os.environ.get("TELEGRAM_WEBHOOK_URL") or None
    secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET") or None
    if webhook_url and not secret:
        raise SettingsError(
            "TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not; set a long random secret "
            "(letters, digits, _ and -) so forged webhook requests can be refused."
        )
    champions_language = os.environ.get("TELEGRAM_CHAMPIONS_LANGUAGE") or DEFAULT_LANGUAGE
    if champions_language not in LANGUAGES:
        raise SettingsError(
            f"TELEGRAM_CHAMPIONS_LANGUAGE is {champions_language!r}; set it to one of {', '.join(LANGUAGES)} "
            f"(default {DEFAULT_LANGUAGE})."
        )
    return TelegramSettings(
        bot_token=os.environ.get("TELEGRAM_BOT_TOKEN") or None,
        api_base_url=(os.environ.get("TELEGRAM_API_BASE_URL") or "https://api.telegram.org/bot"),
        champions_chat_id=_int("TELEGRAM_CHAMPIONS_CHAT_ID", 0) if champions else None,
        champions_language=champions_language,
        webhook_url=webhook_url,
        webhook_secret=secret,
    )


@dataclass(frozen=True)
class Settings:
    """Drom's configuration, read once from the environment by `load_settings()`."""

    database_url: str
    host: str
    port: int
    rasa_url: str  # one Rasa instance, or several separated by commas (see `rasa_urls`)
    rasa_timeout_seconds: float
    rasa_port: int
    model_path: Path
    locales_dir: Path
    content_dir: Path
    language_confidence: float
    log_level: str
    telegram: TelegramSettings = field(default_factory=lambda: TelegramSettings())
    whatsapp: WhatsAppSettings = field(default_factory=lambda: WhatsAppSettings())
    handoff_remind_minutes: int = 30
    champion_hours: str = "mon-fri 09:00-17:00"
    timezone: str = "Europe/London"
    console_secure_cookies: bool = False  # set when the console is served over TLS (production)
    retention_days: int = 90  # transcripts of conversations quiet this long are deleted (bot.retention)
    rasa_down_handoff_seconds: float = 300.0  # a message Rasa could not answer goes to a champion after this
    redis_url: str | None = None  # Rasa's lock store: needed when several Rasa instances share conversations
    rasa_instances: int = 1  # how many Rasa servers `python -m bot run` starts (on RASA_PORT, RASA_PORT+1, ...)
    embedding_cache: Path = PROJECT_ROOT / "var" / "embeddings.sqlite"  # training examples' sentence embeddings

    @property
    def rasa_urls(self) -> tuple[str, ...]:
        """Every Rasa instance the gateway sends messages to."""
        return tuple(url.strip().rstrip("/") for url in self.rasa_url.split(",") if url.strip())


def load_settings() -> Settings:
    """Read the settings from the environment (call it where needed; it has no side effects)."""
    var_dir = PROJECT_ROOT / "var"
    rasa_port = _int("RASA_PORT", 5005)
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'drom.db'}",
        host=os.environ.get("DROM_HOST") or "127.0.0.1",
        port=_int("DROM_PORT", 8000),
        rasa_url=_rasa_url(rasa_port),
        rasa_timeout_seconds=_float("RASA_TIMEOUT_SECONDS", 10.0),
        rasa_port=rasa_port,
        model_path=Path(os.environ.get("DROM_MODEL") or PROJECT_ROOT / "models" / "drom.tar.gz"),
        locales_dir=PROJECT_ROOT / "locales",
        content_dir=PROJECT_ROOT / "content",
        language_confidence=_float("DROM_LANGUAGE_CONFIDENCE", 0.5),
        log_level=(os.environ.get("DROM_LOG_LEVEL") or "INFO").upper(),
        telegram=_telegram(),
        whatsapp=_whatsapp(),
        handoff_remind_minutes=_int("HANDOFF_REMIND_MINUTES", 30),
        champion_hours=os.environ.get("CHAMPION_HOURS") or "mon-fri 09:00-17:00",
        timezone=os.environ.get("DROM_TIMEZONE") or "Europe/London",
        console_secure_cookies=(os.environ.get("CONSOLE_SECURE_COOKIES") or "").lower() in ("1", "true", "yes"),
        retention_days=_retention_days(),
        rasa_down_handoff_seconds=_float("RASA_DOWN_HANDOFF_SECONDS", 300.0),
        redis_url=os.environ.get("REDIS_URL") or None,
        rasa_instances=_rasa_instances(),
        embedding_cache=Path(os.environ.get("DROM_EMBEDDING_CACHE") or var_dir / "embeddings.sqlite"),
    )


def _retention_days() -> int:
    days = _int("RETENTION_DAYS", 90)
    if days < 1:
        raise SettingsError(f"RETENTION_DAYS is {days}; set it to 1 or more days (default 90).")
    return days


def _rasa_url(rasa_port: int) -> str:
    url = (os.environ.get("RASA_URL") or f"http://127.0.0.1:{rasa_port}").rstrip("/")
    if "," in url:
        _check_several_rasas("RASA_URL lists several Rasa instances")
    return url


def _check_several_rasas(why: str) -> None:
    """Several Rasa instances share conversations only through PostgreSQL (trackers) and Redis (locks)."""
    if not os.environ.get("REDIS_URL"):
        raise SettingsError(
            f"{why} but REDIS_URL is not set; set REDIS_URL (e.g. redis://127.0.0.1:6379/0) so that the "
            "instances take each conversation's messages in order, or use one Rasa instance."
        )
    if not (os.environ.get("DATABASE_URL") or "").startswith("postgresql"):
        raise SettingsError(
            f"{why} but DATABASE_URL is not PostgreSQL; the instances share their trackers through it "
            "(e.g. DATABASE_URL=postgresql+psycopg2://drom:...@127.0.0.1:5432/drom), or use one Rasa instance."
        )


def _rasa_instances() -> int:
    instances = _int("RASA_INSTANCES", 1)
    if instances < 1:
        raise SettingsError(f"RASA_INSTANCES is {instances}; set it to 1 or more (default 1).")
    if instances > 1:
        _check_several_rasas(f"RASA_INSTANCES is {instances}")
    return instances
