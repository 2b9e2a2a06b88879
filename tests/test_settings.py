"""Settings read from the environment: several Rasa instances, Redis, and errors that say what to do."""

from __future__ import annotations

import pytest

from bot.rasa_lock_store import DromLockStore, redis_lock_store
from bot.settings import SettingsError, load_settings


def test_one_rasa_and_no_redis_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RASA_URL", "RASA_INSTANCES", "REDIS_URL", "RASA_PORT"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.rasa_urls == ("http://127.0.0.1:5005",)
    assert settings.rasa_instances == 1 and settings.redis_url is None
    assert type(DromLockStore()).__name__ == "InMemoryLockStore"


def test_several_rasa_instances_share_a_redis_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_URL", "http://rasa1:5005/, http://rasa2:5005")
    monkeypatch.setenv("REDIS_URL", "redis://:secret@redis:6380/3")
    monkeypatch.setenv("RASA_INSTANCES", "2")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg2://drom@db:5432/drom")
    settings = load_settings()
    assert settings.rasa_urls == ("http://rasa1:5005", "http://rasa2:5005")
    store = DromLockStore()
    assert type(store).__name__ == "RedisLockStore"
    connection = store.red.connection_pool.connection_kwargs
    assert (connection["host"], connection["port"], connection["db"], connection["password"]) == ("redis", 6380, 3, "secret")


@pytest.mark.parametrize("variable, value", [("RASA_URL", "http://a:5005,http://b:5005"), ("RASA_INSTANCES", "2")])
def test_several_rasa_instances_without_redis_or_postgresql_are_refused_with_advice(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match="REDIS_URL"):
        load_settings()
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")  # DATABASE_URL is the tests' SQLite
    with pytest.raises(SettingsError, match="DATABASE_URL=postgresql"):
        load_settings()


@pytest.mark.parametrize("url", ["http://redis:6379", "redis:///0", "redis://redis:6379/cache"])
def test_a_redis_url_drom_cannot_use_is_refused_with_advice(url: str) -> None:
    with pytest.raises(SettingsError, match="redis://"):
        redis_lock_store(url)


def test_the_champions_group_language_is_english_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_CHAMPIONS_LANGUAGE", raising=False)
    assert load_settings().telegram.champions_language == "en"
    monkeypatch.setenv("TELEGRAM_CHAMPIONS_LANGUAGE", "rom")
    assert load_settings().telegram.champions_language == "rom"
    monkeypatch.setenv("TELEGRAM_CHAMPIONS_LANGUAGE", "slovak")
    with pytest.raises(SettingsError, match="TELEGRAM_CHAMPIONS_LANGUAGE is 'slovak'; set it to one of rom, sk"):
        load_settings()
