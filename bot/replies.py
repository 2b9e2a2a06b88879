"""What Drom says, in the person's language: the one place replies are composed.

The actions, the gateway and `python -m bot ask` all build their messages here, so every
channel gets the same words and the same buttons. Buttons use Rasa's payload syntax
(`/intent{"entity": "value"}`) so any channel can render them and send them back.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from bot.db.faq_repository import PublishedAnswer
from bot.i18n import N_, format_month_year, format_weekday_time, gettext_for
from bot.languages import NATIVE_NAMES
from bot.settings import LANGUAGES

TOPICS = ("gp", "school", "euss")
LISTEN_INTENT = "drom_listen"  # the "Listen" button; answered by the gateway, not by Rasa

TOPIC_TITLES = {
    "gp": N_("GP (doctor)"),
    "school": N_("School"),
    "euss": N_("Settled status"),
}

# Short button titles for each FAQ key (at most 20 characters in English, for WhatsApp).
QUESTION_TITLES = {
    "gp.register": N_("How to register"),
    "gp.documents": N_("Documents needed"),
    "gp.cost": N_("Is it free?"),
    "gp.find": N_("Find a GP near me"),
    "gp.refused": N_("I was refused"),
    "gp.interpreter": N_("Free interpreter"),
    "gp.urgent": N_("Ill at night/weekend"),
    "school.apply": N_("Get a school place"),
    "school.age": N_("School age"),
    "school.documents": N_("Documents needed"),
    "school.meals": N_("Free school meals"),
    "school.uniform": N_("Uniform and costs"),
    "school.rights": N_("Right to a place"),
    "school.wait": N_("No place yet"),
    "euss.what": N_("What is it?"),
    "euss.apply": N_("How to apply"),
    "euss.late": N_("Missed the deadline"),
    "euss.documents": N_("Documents needed"),
    "euss.prove": N_("Prove my status"),
    "euss.family": N_("Family and children"),
    "euss.presettled": N_("Pre-settled ending"),
    "euss.help": N_("Free help"),
    "euss.rejected": N_("I was refused"),
}


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: list[Button] = field(default_factory=list)
    audio: dict | None = None  # {"key", "language", "url"}: a recorded answer, sent as voice/audio

    def as_dict(self) -> dict:
        """The Rasa/web chat shape: {"text": ..., "buttons": [{"title": ..., "payload": ...}]}."""
        shape: dict = {
            "text": self.text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons],
        }
        if self.audio is not None:
            shape["audio"] = self.audio
        return shape


def payload(intent: str, **entities: str) -> str:
    """A Rasa button payload, e.g. payload("menu", topic="gp") -> '/menu{"topic": "gp"}'."""
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}" if entities else f"/{intent}"


def champion_button(language: str) -> Button:
    _ = gettext_for(language)
    return Button(_("Talk to a champion"), payload("human_handoff"))


def language_picker_buttons() -> list[Button]:
    return [Button(NATIVE_NAMES[code], payload("change_language", language=code)) for code in LANGUAGES]


def welcome(language: str) -> Reply:
    """The first thing a person sees: who Drom is, the privacy note and the language picker."""
    _ = gettext_for(language)
    text = "\n\n".join(
        [
            _(
                "Hello, I am Drom. I answer questions about the GP (family doctor), school places "
                "and settled status. It is free. A community champion who speaks your language "
                "can help you too."
            ),
            _(
                "Privacy: I do not need your name or documents. Please do not send them. "
                "You can ask for everything you wrote here to be deleted."
            ),
            _("Choose your language:"),
        ]
    )
    return Reply(text, language_picker_buttons())


def topic_menu(language: str) -> Reply:
    _ = gettext_for(language)
    buttons = [Button(_(TOPIC_TITLES[topic]), payload("menu", topic=topic)) for topic in TOPICS]
    return Reply(_("What would you like to know about?"), [*buttons, champion_button(language)])


def topic_questions(language: str, topic: str, keys: list[str]) -> Reply:
    _ = gettext_for(language)
    buttons = [Button(_(QUESTION_TITLES[key]), payload(key)) for key in keys]
    menu = Button(_("Main menu"), payload("menu"))
    return Reply(_("Choose a question:"), [*buttons, champion_button(language), menu])


def did_you_mean(language: str, intents: list[str] | tuple[str, ...]) -> Reply:
    """The two answers the model hesitated between (bot.clarification), best first, as buttons."""
    _ = gettext_for(language)
    buttons = []
    for intent in intents:
        topic, _dot, rest = intent.partition(".")
        if topic == "topic":
            buttons.append(Button(_(TOPIC_TITLES[rest]), payload("menu", topic=rest)))
        else:
            buttons.append(Button(f"{_(TOPIC_TITLES[topic])}: {_(QUESTION_TITLES[intent])}", payload(intent)))
    return Reply(_("I am not sure which of these you mean. Please choose one:"), [*buttons, champion_button(language)])


def after_answer_buttons(language: str) -> list[Button]:
    _ = gettext_for(language)
    return [
        Button(_("That helped"), payload("thank")),
        champion_button(language),
        Button(_("Main menu"), payload("menu")),
    ]


def faq_answer(language: str, answer: PublishedAnswer) -> Reply:
    """A published FAQ answer with its official page, source and check date."""
    _ = gettext_for(language)
    provenance = _("Official page: {url}").format(url=answer.source_url)
    checked = _("Checked {month_year}, source: {source}").format(
        month_year=format_month_year(answer.checked_on, language), source=answer.source_name
    )
    buttons = after_answer_buttons(language)
    if answer.has_audio:
        buttons.insert(0, Button(_("Listen"), payload(LISTEN_INTENT, key=answer.key)))
    return Reply(f"{answer.text}\n\n{provenance}\n{checked}", buttons)


def audio_answer(language: str, key: str) -> Reply:
    """A recorded answer: the channel sends the audio (Telegram voice, WhatsApp audio, web chat player)."""
    _ = gettext_for(language)
    return Reply(_("Here is the answer as audio."), [],
                 audio={"key": key, "language": language, "url": f"/media/faq/{key}/{language}"})


def answer_not_translated(language: str) -> Reply:
    """Said before the English answer when an answer is not (yet) published in `language`."""
    _ = gettext_for(language)
    return Reply(_("This answer is not ready in your language yet. Here it is in English, and a champion can explain it."))


def dont_know(language: str) -> Reply:
    _ = gettext_for(language)
    text = _(
        "Sorry, I don't know that yet. I can help with the GP, school places and settled status. "
        "Or a community champion can help you."
    )
    return Reply(text, topic_menu(language).buttons)


def dont_know_again(language: str) -> Reply:
    _ = gettext_for(language)
    text = _(
        "Sorry, I still can't answer that. A community champion who speaks your language can help. "
        "Shall I ask one?"
    )
    return Reply(text, [champion_button(language), Button(_("Main menu"), payload("menu"))])


def handoff_started(language: str) -> Reply:
    _ = gettext_for(language)
    return Reply(
        _(
            "I have asked a community champion to help you. They will answer here, in your "
            "language, as soon as they can. You can write your question now; they will read it."
        )
    )


def expected_answer(language: str, when: dt.datetime | None, now: dt.datetime) -> Reply:
    """Roughly when a champion who speaks the person's language can answer (from their rotas)."""
    _ = gettext_for(language)
    if when is None:
        return Reply(_("No champion who speaks your language is registered yet. A champion will answer as soon as one can."))
    if when <= now:
        return Reply(_("A champion who speaks your language is on duty now."))
    return Reply(
        _("A champion who speaks your language is next on duty on {day_and_time}.").format(
            day_and_time=format_weekday_time(when, language)
        )
    )


def same_champion_again(language: str, name: str) -> Reply:
    _ = gettext_for(language)
    return Reply(_("{name} helped you last time. I have asked {name} again.").format(name=name))


def handoff_waiting(language: str) -> Reply:
    _ = gettext_for(language)
    return Reply(_("Thank you. A champion will read this and answer you here."))


FEEDBACK_PAYLOAD = "/drom_feedback{{\"helped\": \"{answer}\"}}"


def feedback_question(language: str) -> Reply:
    """Asked once after a champion closes a handoff; the answer is stored with the handoff."""
    _ = gettext_for(language)
    return Reply(
        _("Did the champion help you?"),
        [Button(_("Yes"), FEEDBACK_PAYLOAD.format(answer="yes")), Button(_("No"), FEEDBACK_PAYLOAD.format(answer="no"))],
    )


def feedback_thanks(language: str) -> Reply:
    _ = gettext_for(language)
    return Reply(_("Thank you. This helps us do better."), topic_menu(language).buttons)


def handoff_closed(language: str) -> Reply:
    _ = gettext_for(language)
    text = _("The champion has closed this conversation. I am here again if you have another question.")
    return Reply(text, topic_menu(language).buttons)


def language_changed(language: str) -> Reply:
    _ = gettext_for(language)
    return Reply(_("OK, I will write in English."), topic_menu(language).buttons)


def choose_language(language: str) -> Reply:
    _ = gettext_for(language)
    return Reply(_("Choose your language:"), language_picker_buttons())


def thanks(language: str) -> Reply:
    _ = gettext_for(language)
    return Reply(_("You are welcome. Is there anything else?"), topic_menu(language).buttons)


def goodbye(language: str) -> Reply:
    _ = gettext_for(language)
    return Reply(_("Goodbye. Write to me any time."))


def unsupported_input(language: str) -> Reply:
    """For stickers, voice notes, photos and empty messages: Drom reads text."""
    _ = gettext_for(language)
    return Reply(
        _("I can only read text messages. Please write your question, or talk to a champion."),
        [champion_button(language), Button(_("Main menu"), payload("menu"))],
    )


def too_long(language: str) -> Reply:
    _ = gettext_for(language)
    return Reply(
        _("Your message is too long for me. Please write your question in a few words."),
        [champion_button(language)],
    )


def safeguarding(language: str) -> Reply:
    """For a message that signals danger: emergency numbers first, and a champion is on the way."""
    _ = gettext_for(language)
    return Reply(
        "\n\n".join([
            _("If someone is in danger or badly hurt right now, call 999. It is free."),
            _("For urgent medical help that is not an emergency, call NHS 111 (free, 24 hours). "
              "Say the name of your language and they will get an interpreter."),
            _("I have asked a community champion to contact you here as soon as possible."),
        ]),
        [],
    )


def forget_confirm(language: str) -> Reply:
    """Before erasing: one button to confirm (the channel sets its payload)."""
    _ = gettext_for(language)
    return Reply(
        _("Delete everything you wrote to Drom? This cannot be undone."),
        [Button(_("Yes, delete everything"), "forget")],
    )


def forgotten(language: str) -> Reply:
    """After the person asked Drom to erase what they wrote."""
    _ = gettext_for(language)
    return Reply(
        _("Done: everything you wrote to Drom here has been deleted. You can start again at any time."),
        [],
    )


def held_for_later(language: str) -> Reply:
    """When Rasa cannot take a message now: it is kept and answered later (or by a champion)."""
    _ = gettext_for(language)
    return Reply(
        _("Sorry, I cannot answer right now. I have kept your message and will answer it as soon as I can, "
          "or a champion will."),
        [champion_button(language)],
    )


def unavailable(language: str) -> Reply:
    """When the assistant itself cannot answer right now."""
    _ = gettext_for(language)
    return Reply(
        _("Sorry, I cannot answer right now. Please try again in a few minutes, or talk to a champion."),
        [champion_button(language)],
    )
