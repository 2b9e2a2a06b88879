from __future__ import annotations

from bot.channels.text_splitting import TELEGRAM_TEXT_LIMIT, split_text


def test_short_text_is_one_part() -> None:
    assert split_text("Hello.", 10) == ["Hello."]
    assert split_text("   ", 10) == []


def test_splits_on_sentence_boundaries_within_the_limit() -> None:
    sentence = "This is one plain sentence about the GP. "
    text = sentence * 200
    parts = split_text(text, TELEGRAM_TEXT_LIMIT)
    assert len(parts) > 1
    assert all(len(part) <= TELEGRAM_TEXT_LIMIT for part in parts)
    assert all(part.endswith(".") for part in parts)
    assert " ".join(parts).split() == text.split()


def test_prefers_paragraph_breaks() -> None:
    text = "First paragraph. Still first.\n\nSecond paragraph."
    assert split_text(text, 35) == ["First paragraph. Still first.", "Second paragraph."]


def test_cuts_a_word_longer_than_the_limit() -> None:
    assert split_text("a" * 25, 10) == ["a" * 10, "a" * 10, "a" * 5]
