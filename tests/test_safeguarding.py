"""Messages that signal danger, in every language: 999 and NHS 111 at once, and an urgent handoff."""

from __future__ import annotations

import uuid

import httpx
import pytest

from bot import replies
from bot.safeguarding import signals_danger

DANGER = {
    "en": ["my husband beats me", "I want to die", "my baby is not breathing", "he hits me and the kids",
           "my son is choking", "dad is having a heart attack", "she won't wake up", "her lips are swelling after nuts"],
    "sk": ["manzel ma bije", "chcem zomriet", "dieta nedycha", "mám bolesť na hrudi",
           "dieta sa dusi", "otec dostal infarkt", "syn vypil jed"],
    "cs": ["manžel mě bije", "chci umrit", "dite nedycha", "domaci nasili doma",
           "syn se nemuze nadechnout", "tata ma infarkt", "dceři oteklo jí hrdlo"],
    "ro": ["sotul ma bate", "vreau sa mor", "copilul nu respira", "am durere în piept",
           "copilul are convulsii", "bunicul face infarct", "copilul nu se trezeste"],
    "rom": ["o rom marel man", "kamav te merel", "o čhavoro na phurdel", "na kamav te dzivel"],
}
SAFE = {
    "en": ["is the GP free", "my child needs a school place", "how do I die my hair",
           "he had a heart attack last year, can he register with a gp", "school uniform fitting"],
    "sk": ["je doktor zadarmo", "potrebujem skolu pre dieta", "urad nereaguje na moju ziadost", "mal infarkt minuly rok"],
    "cs": ["je doktor zdarma", "potrebuju skolu pro dite", "loni mel infarkt, potrebuje doktora"],
    "ro": ["e gratuit la doctor", "am nevoie de scoala", "a avut infarct anul trecut"],
    "rom": ["hin o doktoris zadarmo", "kampel mange skola"],
}


@pytest.mark.parametrize("language", DANGER)
def test_danger_is_recognised_in_every_language(language: str) -> None:
    assert [m for m in DANGER[language] if not signals_danger(m)] == []
    assert [m for m in SAFE[language] if signals_danger(m)] == []


@pytest.mark.stack
@pytest.mark.parametrize(("language", "message"), [(lang, msgs[0]) for lang, msgs in DANGER.items()])
def test_danger_gets_emergency_numbers_and_an_urgent_handoff(stack: str, language: str, message: str) -> None:
    user = f"sg-{uuid.uuid4().hex[:8]}"
    hint = {"rom": "sk"}.get(language, language)
    response = httpx.post(f"{stack}/api/messages", json={"user": user, "text": message, "language_hint": hint}, timeout=30)
    answer = response.json()["messages"]
    expected = replies.safeguarding(language if language != "rom" else answer_language(answer)).text
    assert answer[0]["text"] == expected
    assert "999" in expected and "111" in expected
    handoffs = httpx.get(f"{stack}/api/handoffs", timeout=10).json()["handoffs"]
    mine = next(h for h in handoffs if any(m["text"] == message for m in h["messages"]))
    assert mine["urgent"] and mine["reason"] == "safeguarding"
    assert handoffs[0]["urgent"], "urgent handoffs come first"


def answer_language(answer: list[dict]) -> str:
    """Romani may be detected or fall back to the hint; either way the text is one full translation."""
    for code in ("rom", "sk"):
        if answer[0]["text"] == replies.safeguarding(code).text:
            return code
    return "rom"
