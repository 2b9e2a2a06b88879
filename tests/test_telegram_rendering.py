"""Drom replies as Telegram messages: split at 4096 characters, buttons under the last part."""

from __future__ import annotations

from bot import replies
from bot.channels.telegram.rendering import CALLBACK_DATA_LIMIT, keyboard, parts
from bot.settings import LANGUAGES


def test_long_answers_split_on_sentences_with_buttons_last() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(400))
    rendered = parts({"text": text, "buttons": [{"title": "Menu", "payload": "/menu"}]})
    assert len(rendered) > 1 and all(len(t) <= 4096 for t, _ in rendered)
    assert all(t.endswith(".") for t, _ in rendered)
    assert [m is not None for _, m in rendered] == [False] * (len(rendered) - 1) + [True]
    assert " ".join(t for t, _ in rendered) == text


def test_every_button_drom_makes_fits_telegrams_callback_limit() -> None:
    for language in LANGUAGES:
        for reply in (replies.welcome(language), replies.topic_menu(language), replies.feedback_question(language),
                      replies.unsupported_input(language)):
            buttons = reply.as_dict()["buttons"]
            assert all(len(b["payload"].encode()) <= CALLBACK_DATA_LIMIT for b in buttons)
            markup = keyboard(buttons)
            assert markup is not None
            assert sum(len(row) for row in markup.inline_keyboard) == len(buttons)
