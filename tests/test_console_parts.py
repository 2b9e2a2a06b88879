"""The console's parts without a browser: accounts and sessions, login throttling, revisions and
publishing rules, PO export/import, insights masking, and the retrain verdict."""

from __future__ import annotations

import uuid

import pytest

from bot.console.faq_exchange import export_catalogue, import_catalogue
from bot.console.login_throttle import MAX_FAILURES_PER_USERNAME, LoginThrottle
from bot.console.text_diff import word_diff
from bot.db import faq_editor_repository as faq
from bot.db.faq_repository import get_published_answer
from bot.db.conversation_repository import get_or_create_conversation
from bot.db.insights_repository import masked, record_unanswered, teach, unanswered
from bot.db.session import session_scope
from bot.db.user_repository import AccountError, authenticate, create_user, end_session, find_session, start_session
from bot.retraining import verdict


def test_accounts_hash_passwords_and_refuse_bad_requests() -> None:
    with session_scope() as session:
        user = create_user(session=session, username="parts-admin", password="long enough pw", roles="admin")
        assert "long enough pw" not in user.password_hash and user.password_hash.startswith("$argon2")
        assert authenticate(session=session, username="parts-admin", password="long enough pw") is user
        assert authenticate(session=session, username="parts-admin", password="wrong password") is None
        assert authenticate(session=session, username="nobody", password="long enough pw") is None
        token = start_session(session=session, user=user)
        session.flush()
        assert find_session(session=session, token=token).user is user
        end_session(session=session, token=token)
        assert find_session(session=session, token=token) is None
    for kwargs, message in (
        ({"username": "parts-admin", "roles": "admin"}, "taken"),
        ({"username": "x", "roles": "admin", "password": "short"}, "at least"),
        ({"username": "y", "roles": "wizard"}, "Unknown role"),
        ({"username": "z", "roles": "champion"}, "needs --languages"),
    ):
        with pytest.raises(AccountError, match=message), session_scope() as session:
            create_user(session=session, **{"password": "long enough pw", **kwargs})


def test_login_throttle_blocks_after_repeated_failures_and_forgets_later() -> None:
    now = [0.0]
    throttle = LoginThrottle(clock=lambda: now[0])
    for _ in range(MAX_FAILURES_PER_USERNAME):
        assert not throttle.blocked("Ana", "10.0.0.1")
        throttle.failed("Ana", "10.0.0.1")
    assert throttle.blocked("ana", "10.0.0.2")
    assert not throttle.blocked("someone else", "10.0.0.2")
    now[0] += 16 * 60
    assert not throttle.blocked("ana", "10.0.0.1")


def test_word_diff_marks_added_and_removed_words() -> None:
    assert word_diff("Register online free", "Register by phone free") == [
        ("same", "Register "), ("removed", "online"), ("added", "by phone"), ("same", " free"),
    ]


def test_saving_keeps_the_live_text_until_published_and_marks_translations_outdated() -> None:
    key = "school.uniform"
    with session_scope() as session:
        live = get_published_answer(session=session, key=key, language="en").text
        faq.save(session=session, key=key, language="en", text=live + " New sentence.", status="draft", author="t")
    with session_scope() as session:
        assert get_published_answer(session=session, key=key, language="en").text == live
        row = next(r for r in faq.catalogue(session=session) if r.key == key)
        assert all(c.outdated for c in row.cells if c.language != "en")
        faq.publish(session=session, key=key, language="en", author="t")
    with session_scope() as session:
        assert get_published_answer(session=session, key=key, language="en").text.endswith("New sentence.")
        first = faq.answer(session=session, key=key, language="en").revisions[0]
        faq.restore(session=session, key=key, language="en", revision_id=first.id, author="t")
        faq.publish(session=session, key=key, language="en", author="t")
    with session_scope() as session:
        assert get_published_answer(session=session, key=key, language="en").text == first.text
    with pytest.raises(faq.EditError), session_scope() as session:
        faq.save(session=session, key=key, language="en", text="   ", status="draft", author="t")


@pytest.mark.parametrize("language", ["rom", "sk"])
def test_po_export_and_import_round_trip_as_awaiting_review(language: str) -> None:
    from babel.messages.pofile import read_po, write_po
    import io

    catalog = read_po(io.BytesIO(export_catalogue(language)))
    keys = [m.context for m in catalog if m.id]
    assert "gp.register" in keys and len(keys) >= 23
    assert import_catalogue(language, export_catalogue(language), "translator") == 0  # nothing changed
    message = next(m for m in catalog if m.context == "gp.cost")
    message.string = message.string + " (upravené)"
    buffer = io.BytesIO()
    write_po(buffer, catalog)
    assert import_catalogue(language, buffer.getvalue(), "translator") == 1
    with session_scope() as session:
        answer = faq.answer(session=session, key="gp.cost", language=language)
        assert answer.status == "awaiting_review" and answer.text.endswith("(upravené)")
        assert answer.published_text != answer.text  # not live until a staff member publishes it
    with pytest.raises(faq.EditError):
        import_catalogue(language, b"\xff\xfe not a po file", "translator")


def test_unanswered_questions_lose_digits_and_emails() -> None:
    assert masked("my number is 07700 900123, mail me at ana@example.org") == (
        "my number is ##### ######, mail me at [email]"
    )


def test_an_unanswered_question_becomes_an_example_of_the_chosen_answer() -> None:
    text = f"kaj te lel lila pal o doktoris {uuid.uuid4().hex[:6]}"
    with session_scope() as session:
        conversation = get_or_create_conversation(session=session, channel="webchat", external_id=uuid.uuid4().hex)
        session.flush()
        record_unanswered(session=session, public_id=conversation.public_id, language="rom", text=text)
    with session_scope() as session:
        question = next(q for q in unanswered(session=session) if q.text.startswith("kaj te lel lila"))
        teach(session=session, unanswered_id=question.id, key="gp.documents", author="staff1")
    with session_scope() as session:
        assert not [q for q in unanswered(session=session) if q.id == question.id]
        added = [e for e in faq.examples(session=session, intent="gp.documents") if e.language == "rom"]
        assert question.text in [e.text for e in added]
        with pytest.raises(faq.EditError):
            teach(session=session, unanswered_id=question.id, key="gp.documents", author="staff1")


def test_retrain_swaps_only_a_model_that_is_not_worse() -> None:
    running = {"intent_accuracy": 0.96, "language_accuracy": 0.97}
    ok, detail = verdict(running, {"intent_accuracy": 0.97, "language_accuracy": 0.97})
    assert ok and "Swapped" in detail
    ok, detail = verdict(running, {"intent_accuracy": 0.95, "language_accuracy": 0.99})
    assert not ok and "FAQ/intent accuracy 95.0% < 96.0%" in detail
