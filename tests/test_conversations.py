"""Whole conversations through the web chat API, with Rasa (running Drom's actions) and the gateway running."""

from __future__ import annotations

import uuid

import httpx
import pytest

from bot import replies
from bot.db.faq_repository import get_published_answer
from bot.db.session import session_scope
from bot.i18n import gettext_for
from tests.conftest import LANGUAGES

pytestmark = pytest.mark.stack

QUESTIONS = {
    "en": {"gp": "How do I register with a GP?", "school": "how do i get a school place for my son",
           "euss": "How do I apply for settled status?"},
    "sk": {"gp": "Ako sa zaregistrujem u doktora GP?", "school": "ako ziskam miesto v skole pre dieta",
           "euss": "Ako si podám žiadosť o settled status?"},
    "cs": {"gp": "Jak se zaregistruju u doktora GP?", "school": "jak ziskam misto ve skole pro dite",
           "euss": "Jak si podám žádost o settled status?"},
    "ro": {"gp": "Cum ma inregistrez la doctorul de familie GP?", "school": "cum obtin un loc la scoala pentru copil",
           "euss": "Cum aplic pentru settled status?"},
    "rom": {"gp": "Sar šaj man registrinav ko doktoris GP?", "school": "sar te arakhav than andre skola pre mro chavo",
            "euss": "Sar te kerav žadosť pal o settled status?"},
}
EXPECTED_KEYS = {"gp": "gp.register", "school": "school.apply", "euss": "euss.apply"}


def answer_text(key: str, language: str) -> str:
    with session_scope() as session:
        answer = get_published_answer(session=session, key=key, language=language)
    assert answer is not None
    return answer.text


class Chat:
    """One person using the web chat."""

    def __init__(self, gateway: str) -> None:
        self.gateway = gateway
        self.user = f"e2e-{uuid.uuid4().hex[:10]}"

    def say(self, text: str | None = None, payload: str | None = None) -> list[dict]:
        body = {"user": self.user, **({"text": text} if text is not None else {"payload": payload})}
        response = httpx.post(f"{self.gateway}/api/messages", json=body, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()["messages"]

    def pending(self) -> list[dict]:
        return httpx.get(f"{self.gateway}/api/messages", params={"user": self.user}, timeout=10).json()["messages"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_greeting_gets_welcome_privacy_languages_and_topics(stack: str, language: str) -> None:
    _ = gettext_for(language)
    greeting = {"en": "hello", "sk": "dobrý deň", "cs": "dobrý den", "ro": "buna ziua", "rom": "lačho džives"}
    messages = Chat(stack).say(greeting[language])
    assert len(messages) == 2
    welcome, menu = messages
    assert _("Choose your language:") in welcome["text"]
    assert [b["title"] for b in welcome["buttons"]] == ["Romanes", "Slovenčina", "Čeština", "Română", "English"]
    assert [b["payload"] for b in menu["buttons"]] == [
        '/menu{"topic": "gp"}', '/menu{"topic": "school"}', '/menu{"topic": "euss"}', "/human_handoff"
    ]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("topic", ["gp", "school", "euss"])
def test_each_topic_answered_in_each_language(stack: str, language: str, topic: str) -> None:
    messages = Chat(stack).say(QUESTIONS[language][topic])
    assert len(messages) == 2, "a first message that is a question gets the welcome and the answer"
    assert answer_text(EXPECTED_KEYS[topic], language) in messages[1]["text"]
    assert "https://" in messages[1]["text"]


def test_menu_buttons_lead_to_an_answer(stack: str) -> None:
    chat = Chat(stack)
    chat.say(payload='/change_language{"language": "ro"}')
    questions = chat.say(payload='/menu{"topic": "school"}')[0]["buttons"]
    meals = next(b for b in questions if b["payload"] == "/school.meals")
    assert meals["title"] == gettext_for("ro")("Free school meals")
    answer = chat.say(payload=meals["payload"])
    assert answer_text("school.meals", "ro") in answer[0]["text"]


def test_a_miss_is_honest_and_two_misses_offer_a_champion(stack: str) -> None:
    chat = Chat(stack)
    chat.say("hello")
    first = chat.say("what will the weather be like tomorrow in london")
    assert first[0]["text"] == replies.dont_know("en").text
    second = chat.say("can you recommend a good football team")
    assert second[0]["text"] == replies.dont_know_again("en").text
    assert second[0]["buttons"][0]["payload"] == "/human_handoff"


def test_a_question_between_two_topics_asks_which_and_each_button_leads_on(stack: str) -> None:
    chat = Chat(stack)
    chat.say("hello")
    asked = chat.say("school or doctor")
    assert asked[0]["text"] == replies.did_you_mean("en", ["topic.school", "topic.gp"]).text
    payloads = [b["payload"] for b in asked[0]["buttons"]]  # the two in the model's order, then a champion
    assert sorted(payloads[:2]) == ['/menu{"topic": "gp"}', '/menu{"topic": "school"}'] and payloads[2:] == ["/human_handoff"]
    questions = chat.say(payload='/menu{"topic": "gp"}')
    assert "/gp.register" in [b["payload"] for b in questions[0]["buttons"]]
    assert chat.say("and what about money")[0]["text"] != replies.dont_know_again("en").text  # asking was not a miss


def test_a_long_conversation_keeps_its_language_and_rasa_keeps_only_its_last_turns(stack: str, stack_settings) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from bot.db.models import Conversation
    from bot.rasa_tracker_store import KEEP_USER_MESSAGES

    chat = Chat(stack)
    chat.say(payload='/change_language{"language": "sk"}')
    for _ in range(6):  # the language was chosen in the first turn, long cut from Rasa's tracker
        for key in ("gp.cost", "school.meals"):
            assert answer_text(key, "sk") in chat.say(payload=f"/{key}")[0]["text"]

    with session_scope() as session:
        public_id = session.scalars(select(Conversation.public_id).where(Conversation.external_id == chat.user)).one()
    tracker = httpx.get(f"{stack_settings.rasa_url}/conversations/{public_id}/tracker", timeout=10).json()
    assert len([e for e in tracker["events"] if e["event"] == "user"]) == KEEP_USER_MESSAGES
    assert tracker["slots"]["language"] == "sk" and tracker["slots"]["language_chosen"] is True


def test_handoff_round_trip(stack: str) -> None:
    chat = Chat(stack)
    chat.say("Ako sa zaregistrujem u doktora GP?")
    started = chat.say(payload="/human_handoff")
    texts = [m["text"] for m in started]
    assert replies.handoff_started("sk").text in texts
    assert texts[-1].startswith("Komunitný pomocník, ktorý hovorí vaším jazykom,") or texts[-1] == (
        replies.expected_answer("sk", None, None).text  # type: ignore[arg-type]
    )

    waiting = chat.say("potrebujem pomoc s formularom")
    assert waiting == [replies.handoff_waiting("sk").as_dict()]
    assert chat.say("este jedna vec") == [], "the bot stays quiet while the person talks to the champion"

    handoffs = httpx.get(f"{stack}/api/handoffs", timeout=10).json()["handoffs"]
    mine = next(h for h in handoffs if h["messages"] and h["messages"][-1]["text"] == "este jedna vec")
    assert mine["language"] == "sk" and mine["channel"] == "webchat" and mine["reason"] == "asked"
    assert any(m["role"] == "person" and "zaregistrujem" in m["text"] for m in mine["messages"])

    assert httpx.post(f"{stack}/api/handoffs/{mine['id']}/reply", json={"text": "Dobrý deň, pomôžem vám."}).status_code == 200
    assert chat.pending() == [{"text": "Dobrý deň, pomôžem vám.", "buttons": []}]

    assert httpx.post(f"{stack}/api/handoffs/{mine['id']}/close").status_code == 200
    closed, question = chat.pending()
    assert closed["text"] == replies.handoff_closed("sk").text
    assert question == replies.feedback_question("sk").as_dict()
    assert httpx.post(f"{stack}/api/handoffs/{mine['id']}/close").status_code == 404

    assert chat.say(payload=question["buttons"][0]["payload"])[0]["text"] == replies.feedback_thanks("sk").text
    with session_scope() as session:
        from bot.db.models import Handoff

        assert session.get(Handoff, mine["id"]).helped is True

    resumed = chat.say("je GP zadarmo?")
    assert answer_text("gp.cost", "sk") in resumed[0]["text"]


def test_forget_erases_the_conversation_here_and_in_rasa(stack: str, stack_settings) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from bot.db.models import Conversation

    chat = Chat(stack)
    chat.say("Cum aplic pentru settled status?")
    chat.say(payload="/human_handoff")
    with session_scope() as session:
        conversation = session.scalars(select(Conversation).where(Conversation.external_id == chat.user)).one()
        public_id = conversation.public_id
    tracker = httpx.get(f"{stack_settings.rasa_url}/conversations/{public_id}/tracker", timeout=10).json()
    assert any(e["event"] == "user" for e in tracker["events"])

    response = httpx.post(f"{stack}/api/forget", json={"user": chat.user}, timeout=30)
    assert response.status_code == 200
    assert response.json()["messages"] == [replies.forgotten("ro").as_dict()]

    with session_scope() as session:
        assert session.scalars(select(Conversation).where(Conversation.external_id == chat.user)).first() is None
    handoffs = httpx.get(f"{stack}/api/handoffs", timeout=10).json()["handoffs"]
    assert not [h for h in handoffs if any("settled" in m["text"] for m in h["messages"] if m["role"] == "person"
                                           and "Cum aplic" in m["text"])]
    tracker = httpx.get(f"{stack_settings.rasa_url}/conversations/{public_id}/tracker", timeout=10).json()
    assert not [e for e in tracker["events"] if e["event"] in ("user", "bot")]

    fresh = chat.say("buna ziua")
    assert fresh[0]["text"].startswith(gettext_for("ro")("Hello, I am Drom. I answer questions about the GP "
                                                         "(family doctor), school places and settled status. "
                                                         "It is free. A community champion who speaks your "
                                                         "language can help you too.")[:20])


def _listening_addresses(port: int) -> set[str]:
    """The local addresses listening on `port` (IPv4 and IPv6), from the kernel's socket tables."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as handle:
            for line in list(handle)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


def test_rasa_listens_on_loopback_only(stack: str, stack_settings) -> None:  # type: ignore[no-untyped-def]
    assert _listening_addresses(stack_settings.rasa_port) == {"0100007F"}, "Rasa must listen on 127.0.0.1 only"
