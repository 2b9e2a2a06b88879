"""Champions' rotas, when a person can expect an answer, and the same champion again within 30 days."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from actions.handoff import ActionHandoff
from bot import replies
from bot.availability import next_champion_time
from bot.db.champion_repository import ChampionError, add_champion
from bot.db.conversation_repository import close_handoff, get_or_create_conversation, open_handoff_for
from bot.db.session import session_scope
from bot.rota import RotaError, Shift, next_available, parse_rota
from tests.test_actions import run, tracker

LONDON = ZoneInfo("Europe/London")
MONDAY_8 = dt.datetime(2026, 11, 23, 8, 0, tzinfo=LONDON)


def test_rotas_are_read_the_way_people_write_them() -> None:
    shifts = parse_rota("Mon-Wed 09:00-17:00; sat 10:00-13:30")
    assert [s.weekday for s in shifts] == [0, 1, 2, 5]
    assert shifts[-1] == Shift(5, dt.time(10), dt.time(13, 30))
    assert [s.weekday for s in parse_rota("fri-mon 18:00-20:00")] == [4, 5, 6, 0]


@pytest.mark.parametrize("bad", ["weekdays 9-5", "mon 17:00-09:00", "xyz 09:00-10:00", "mon 25:00-26:00"])
def test_a_bad_rota_says_what_form_to_use(bad: str) -> None:
    with pytest.raises(RotaError):
        parse_rota(bad)


def test_next_available_is_now_during_a_shift_else_the_next_start() -> None:
    shifts = parse_rota("mon-fri 09:00-17:00")
    assert next_available(shifts, MONDAY_8) == MONDAY_8.replace(hour=9)
    assert next_available(shifts, MONDAY_8.replace(hour=10)) == MONDAY_8.replace(hour=10)
    friday_evening = MONDAY_8 + dt.timedelta(days=4, hours=10)
    assert next_available(shifts, friday_evening) == MONDAY_8 + dt.timedelta(days=7, hours=1)
    assert next_available([], MONDAY_8) is None


def test_the_person_is_told_when_someone_who_speaks_their_language_is_next_on_duty() -> None:
    with session_scope() as session:
        add_champion(session=session, telegram_user_id=880001, name="Ioana", languages="ro", rota="sat 10:00-12:00")
        add_champion(session=session, telegram_user_id=880002, name="Petra", languages="ro", rota="tue 14:00-16:00")
        when = next_champion_time(session=session, language="ro", now=MONDAY_8)
    assert when == MONDAY_8 + dt.timedelta(days=1, hours=6)
    assert replies.expected_answer("ro", when, MONDAY_8).text.endswith("marți 14:00.")
    assert replies.expected_answer("en", when, MONDAY_8).text.endswith("Tuesday 14:00.")
    assert replies.expected_answer("rom", when, MONDAY_8).text.endswith("utorok 14:00.")
    assert replies.expected_answer("ro", MONDAY_8, MONDAY_8).text == replies.expected_answer("ro", when, when).text


def test_champion_rota_is_checked_when_added() -> None:
    with session_scope() as session, pytest.raises(ChampionError):
        add_champion(session=session, telegram_user_id=880003, name="X", languages="sk", rota="whenever")


def test_a_returning_person_is_offered_the_champion_who_helped_last_time() -> None:
    sender = uuid.uuid4().hex
    with session_scope() as session:
        get_or_create_conversation(session=session, channel="webchat", external_id=sender).public_id = sender
        champion = add_champion(session=session, telegram_user_id=880004, name="Milan", languages="cs")
        champion_id = champion.id
    first = tracker("human_handoff", text="chci mluvit s clovekem", language=("cs", 0.9), sender=sender)
    messages, _ = run(ActionHandoff(), first)
    assert replies.same_champion_again("cs", "Milan").text not in [m["text"] for m in messages]
    with session_scope() as session:
        conversation = get_or_create_conversation(session=session, channel="webchat", external_id=sender)
        handoff = open_handoff_for(session=session, conversation_id=conversation.id)
        handoff.champion_id = champion_id
        close_handoff(session=session, handoff_id=handoff.id)

    messages, _ = run(ActionHandoff(), tracker("human_handoff", text="zase potrebuju pomoc",
                                               language=("cs", 0.9), sender=sender, slots={"welcomed": True}))
    texts = [m["text"] for m in messages]
    assert replies.same_champion_again("cs", "Milan").text in texts
    assert any(t.startswith("Komunitní pomocník, který mluví vaším jazykem") for t in texts)
    with session_scope() as session:
        conversation = get_or_create_conversation(session=session, channel="webchat", external_id=sender)
        assert open_handoff_for(session=session, conversation_id=conversation.id).preferred_champion_id == champion_id


def test_champions_from_the_command_line(capsys) -> None:  # type: ignore[no-untyped-def]
    from bot.__main__ import main

    assert main(["champions", "add", "--telegram-id", "880010", "--name", "Eva", "--languages", "sk,cs",
                 "--rota", "mon 10:00-12:00"]) == 0
    assert main(["champions", "deactivate", "--telegram-id", "880010"]) == 0
    with session_scope() as session:
        from bot.db.champion_repository import speakers_of

        assert "Eva" not in [c.display_name for c in speakers_of(session=session, language="cs")]
    assert main(["champions", "activate", "--telegram-id", "880010"]) == 0
    assert main(["champions", "list"]) == 0
    assert "880010\tEva\tsk,cs\tmon 10:00-12:00\tactive" in capsys.readouterr().out
    assert main(["champions", "add", "--telegram-id", "880011", "--name", "X", "--languages", "de"]) == 2
    assert main(["champions", "remove", "--telegram-id", "880010"]) == 0
    assert main(["champions", "deactivate", "--telegram-id", "880010"]) == 1
