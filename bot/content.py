"""The FAQ content files under content/faq: the catalogue and one answers file per language.

These files seed the database (`python -m bot db upgrade`); after that, staff edit the live copies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.settings import LANGUAGES


class ContentError(ValueError):
    """A content file is malformed; the message names the file and the fix."""


@dataclass(frozen=True)
class CatalogueEntry:
    key: str
    topic: str
    position: int
    source_name: str
    source_url: str
    checked_on: dt.date


@dataclass(frozen=True)
class LanguageAnswers:
    language: str
    status: str
    community_review_pending: bool
    answers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Content:
    catalogue: dict[str, CatalogueEntry]
    topics: dict[str, list[str]]
    languages: dict[str, LanguageAnswers]


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{path} is missing; every language needs its answers file.") from None
    except yaml.YAMLError as error:
        raise ContentError(f"{path} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ContentError(f"{path} must be a YAML mapping.")
    return data


def _as_date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ContentError(f"{where}: `checked` must be a date like 2026-11-01.") from None


def load_catalogue(faq_dir: Path) -> tuple[dict[str, CatalogueEntry], dict[str, list[str]]]:
    """Read catalogue.yml: the fixed keys in topic order, with source and check date."""
    path = faq_dir / "catalogue.yml"
    data = _read_yaml(path)
    topics: dict[str, list[str]] = data.get("topics") or {}
    questions: dict[str, dict] = data.get("questions") or {}
    entries: dict[str, CatalogueEntry] = {}
    for topic, keys in topics.items():
        for position, key in enumerate(keys):
            info = questions.get(key)
            if not info:
                raise ContentError(f"{path}: topic {topic} lists {key}, which has no entry under `questions`.")
            missing = [name for name in ("source", "url", "checked") if not info.get(name)]
            if missing:
                raise ContentError(f"{path}: {key} needs {', '.join(missing)}.")
            entries[key] = CatalogueEntry(
                key=key,
                topic=topic,
                position=position,
                source_name=str(info["source"]),
                source_url=str(info["url"]),
                checked_on=_as_date(info["checked"], f"{path}: {key}"),
            )
    unlisted = set(questions) - set(entries)
    if unlisted:
        raise ContentError(f"{path}: {sorted(unlisted)} are not listed under any topic.")
    return entries, topics


def load_language(faq_dir: Path, language: str, keys: set[str]) -> LanguageAnswers:
    """Read <language>.yml and check it answers exactly the catalogue's keys."""
    path = faq_dir / f"{language}.yml"
    data = _read_yaml(path)
    answers = {str(k): str(v).strip() for k, v in (data.get("answers") or {}).items()}
    if data.get("language") != language:
        raise ContentError(f"{path}: `language` must be {language}.")
    if set(answers) != keys:
        raise ContentError(
            f"{path}: answers must match the catalogue; missing {sorted(keys - set(answers))}, "
            f"unknown {sorted(set(answers) - keys)}."
        )
    status = str(data.get("status", "draft"))
    return LanguageAnswers(
        language=language,
        status=status,
        community_review_pending=data.get("community_review") == "pending",
        answers=answers,
    )


def load_content(content_dir: Path) -> Content:
    """Load and check every FAQ content file."""
    faq_dir = content_dir / "faq"
    catalogue, topics = load_catalogue(faq_dir)
    languages = {lang: load_language(faq_dir, lang, set(catalogue)) for lang in LANGUAGES}
    return Content(catalogue=catalogue, topics=topics, languages=languages)
