"""The database tables. Schema changes go through Alembic (bot/db/migrations), never create_all."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, deferred, relationship

Base = declarative_base()

ANSWER_STATUSES = ("draft", "awaiting_review", "published")
HANDOFF_STATUSES = ("open", "closed")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class FaqQuestion(Base):
    """One fixed FAQ key (e.g. `gp.register`) with its topic and official source."""

    __tablename__ = "faq_questions"

    id = Column(Integer, primary_key=True)
    key = Column(String(64), unique=True, nullable=False)
    topic = Column(String(32), nullable=False, index=True)
    position = Column(Integer, nullable=False, default=0)
    source_name = Column(String(100), nullable=False)
    source_url = Column(String(500), nullable=False)
    checked_on = Column(Date, nullable=False)

    answers = relationship("FaqAnswer", back_populates="question", cascade="all, delete-orphan")


class FaqAnswer(Base):
    """The live answer to one question in one language, with its review status."""

    __tablename__ = "faq_answers"
    __table_args__ = (UniqueConstraint("question_id", "language"),)

    id = Column(Integer, primary_key=True)
    question_id = Column(ForeignKey("faq_questions.id", ondelete="CASCADE"), nullable=False)
    language = Column(String(8), nullable=False)
    text = Column(Text, nullable=False)  # the latest saved text (what the editor shows)
    status = Column(String(20), nullable=False, default="draft")
    published_text = Column(Text, nullable=True)  # what the bot says; None until first published
    # Content that native speakers of the community still have to review (all Romani text, for now).
    community_review_pending = Column(Boolean, nullable=False, default=False)
    updated_at = Column(DateTime, nullable=False, default=utcnow)  # when the text last changed

    question = relationship("FaqQuestion", back_populates="answers")
    audio = relationship("FaqAudio", uselist=False, back_populates="answer", cascade="all, delete-orphan")
    revisions = relationship(
        "FaqAnswerRevision",
        back_populates="answer",
        cascade="all, delete-orphan",
        order_by="FaqAnswerRevision.id",
    )


class FaqAnswerRevision(Base):
    """Every saved version of an answer: who changed what, and when."""

    __tablename__ = "faq_answer_revisions"

    id = Column(Integer, primary_key=True)
    answer_id = Column(ForeignKey("faq_answers.id", ondelete="CASCADE"), nullable=False, index=True)
    text = Column(Text, nullable=False)
    status = Column(String(20), nullable=False)
    author = Column(String(100), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    answer = relationship("FaqAnswer", back_populates="revisions")


class Conversation(Base):
    """A person on one channel. `public_id` is the only id Rasa sees (no phone numbers in trackers)."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id = Column(Integer, primary_key=True)
    public_id = Column(String(36), unique=True, nullable=False, default=lambda: uuid.uuid4().hex)
    channel = Column(String(20), nullable=False)
    external_id = Column(String(100), nullable=False)
    language = Column(String(8), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_seen_at = Column(DateTime, nullable=False, default=utcnow)

    handoffs = relationship("Handoff", back_populates="conversation", cascade="all, delete-orphan")


class Handoff(Base):
    """A conversation handed to a human community champion; the bot is paused while it is open."""

    __tablename__ = "handoffs"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(
        ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    channel = Column(String(20), nullable=False)
    language = Column(String(8), nullable=False)
    reason = Column(String(40), nullable=False)
    status = Column(String(10), nullable=False, default="open", index=True)
    urgent = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    closed_at = Column(DateTime, nullable=True)
    champion_id = Column(ForeignKey("champions.id", ondelete="SET NULL"), nullable=True)
    claimed_by_user_id = Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)  # in the console
    outcome = Column(String(20), nullable=True)  # answered, referred, no_reply (set on close)
    # Where the handoff's card sits in the champions' Telegram group (and its forum topic, if any).
    card_chat_id = Column(BigInteger, nullable=True)
    card_message_id = Column(BigInteger, nullable=True)
    thread_id = Column(BigInteger, nullable=True)
    card_posted_at = Column(DateTime, nullable=True)
    helped = Column(Boolean, nullable=True)  # the person's answer to "did this help?" after closing
    # The champion who helped this person within the last 30 days, offered again (continuity).
    preferred_champion_id = Column(ForeignKey("champions.id", ondelete="SET NULL"), nullable=True)

    conversation = relationship("Conversation", back_populates="handoffs")
    champion = relationship("Champion", foreign_keys=[champion_id])
    claimed_by = relationship("User", foreign_keys=[claimed_by_user_id])
    notes = relationship("HandoffNote", cascade="all, delete-orphan", order_by="HandoffNote.id")
    preferred_champion = relationship("Champion", foreign_keys=[preferred_champion_id])
    messages = relationship(
        "HandoffMessage",
        back_populates="handoff",
        cascade="all, delete-orphan",
        order_by="HandoffMessage.id",
    )


class OutboxMessage(Base):
    """A message waiting to be delivered to a person outside a request/response turn.

    Champion replies and "the champion closed this" notices are queued here; the web chat
    collects them with `GET /api/messages?user=...`.
    """

    __tablename__ = "outbox_messages"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(
        ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    body = Column(Text, nullable=False)  # JSON: {"text": ..., "buttons": [...]}
    created_at = Column(DateTime, nullable=False, default=utcnow)
    delivered_at = Column(DateTime, nullable=True, index=True)  # the senders look for the undelivered
    attempts = Column(Integer, nullable=False, default=0, server_default="0")
    next_attempt_at = Column(DateTime, nullable=True)


class HeldMessage(Base):
    """A person's message that Rasa could not take (down or too slow), kept in arrival order until
    Rasa answers it or, after RASA_DOWN_HANDOFF_SECONDS, a champion does (bot/gateway/held_messages.py).
    One gateway process retries it at a time: the owner, while its lease lasts."""

    __tablename__ = "held_messages"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(
        ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    message = Column(Text, nullable=False)  # what would have gone to Rasa: text or a button payload
    metadata_json = Column(Text, nullable=False, default="{}")  # channel and language hint for Rasa
    created_at = Column(DateTime, nullable=False, default=utcnow)
    owner = Column(String(32), nullable=False)  # the gateway process retrying it
    lease_until = Column(DateTime, nullable=False)  # after this, another gateway may take it over


class HandoffMessage(Base):
    """One line of a handoff's transcript: what the person, the bot or a champion said."""

    __tablename__ = "handoff_messages"

    id = Column(Integer, primary_key=True)
    handoff_id = Column(ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    role = Column(String(10), nullable=False)  # person, bot, champion
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    relayed_at = Column(DateTime, nullable=True)  # when it reached the champions' Telegram group

    handoff = relationship("Handoff", back_populates="messages")
    attachments = relationship("HandoffAttachment", cascade="all, delete-orphan", order_by="HandoffAttachment.id")


class HandoffAttachment(Base):
    """A photo, voice note or file a person sent during a handoff, kept for the champion.

    Deleted with the handoff (and so with the person's conversation when they ask to be forgotten).
    """

    __tablename__ = "handoff_attachments"

    id = Column(Integer, primary_key=True)
    message_id = Column(ForeignKey("handoff_messages.id", ondelete="CASCADE"), nullable=False, index=True)
    mime_type = Column(String(100), nullable=False)
    filename = Column(String(100), nullable=False)
    data = Column(LargeBinary, nullable=False)


class Champion(Base):
    """A community champion who answers handoffs (on Telegram: in the champions' group)."""

    __tablename__ = "champions"

    id = Column(Integer, primary_key=True)
    telegram_user_id = Column(BigInteger, unique=True, nullable=False)
    display_name = Column(String(80), nullable=False)
    languages = Column(String(40), nullable=False)  # comma-separated codes, e.g. "sk,rom"
    rota = Column(String(200), nullable=True)  # e.g. "mon-fri 09:00-17:00"; None = CHAMPION_HOURS
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]


class ProcessedUpdate(Base):
    """An inbound update, stored before it is acknowledged and kept (without its body) once handled,
    so that a crash loses nothing and a redelivered update is not answered twice."""

    __tablename__ = "processed_updates"
    __table_args__ = (
        UniqueConstraint("channel", "update_key"),
        Index("ix_processed_updates_channel_processed_at", "channel", "processed_at"),  # the unhandled ones
    )

    id = Column(Integer, primary_key=True)
    channel = Column(String(20), nullable=False)
    update_key = Column(String(100), nullable=False)
    received_at = Column(DateTime, nullable=False, default=utcnow)
    body = Column(Text, nullable=True)  # the raw update (JSON) until it is handled, then NULL
    processed_at = Column(DateTime, nullable=True)


class FaqAudio(Base):
    """A recorded answer (one per answer), for people who read little."""

    __tablename__ = "faq_audio"

    id = Column(Integer, primary_key=True)
    answer_id = Column(ForeignKey("faq_answers.id", ondelete="CASCADE"), nullable=False, unique=True)
    mime_type = Column(String(100), nullable=False)
    filename = Column(String(100), nullable=False)
    # Loaded only when read: every FAQ answer asks whether a recording exists, few send it.
    data = deferred(Column(LargeBinary, nullable=False))
    uploaded_by = Column(String(64), nullable=False)
    uploaded_at = Column(DateTime, nullable=False, default=utcnow)

    answer = relationship("FaqAnswer", back_populates="audio")


class NluExample(Base):
    """An example question staff added in the console; used by the next retrain."""

    __tablename__ = "nlu_examples"

    id = Column(Integer, primary_key=True)
    intent = Column(String(64), nullable=False)
    language = Column(String(8), nullable=False)
    text = Column(String(500), nullable=False)
    author = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class RetrainJob(Base):
    """One "retrain" started from the console: its progress and why the model was or was not swapped."""

    __tablename__ = "retrain_jobs"

    id = Column(Integer, primary_key=True)
    status = Column(String(20), nullable=False, default="running")  # running, swapped, kept, failed
    step = Column(String(100), nullable=False, default="")
    detail = Column(Text, nullable=True)
    started_by = Column(String(64), nullable=False)
    started_at = Column(DateTime, nullable=False, default=utcnow)
    finished_at = Column(DateTime, nullable=True)


class User(Base):
    """A console account. `roles` is a comma-separated subset of admin, staff, champion."""

    __tablename__ = "users"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), unique=True, nullable=False)
    password_hash = Column(String(200), nullable=False)
    roles = Column(String(40), nullable=False)
    languages = Column(String(40), nullable=False, default="")  # for champions: the handoffs they see
    locale = Column(String(8), nullable=False, default="en")  # the console's own language
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    @property
    def role_set(self) -> set[str]:
        return {role for role in self.roles.split(",") if role}

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]


class ConsoleSession(Base):
    """A logged-in browser. Only a hash of the cookie's token is stored."""

    __tablename__ = "console_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), unique=True, nullable=False)
    user_id = Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_seen_at = Column(DateTime, nullable=False, default=utcnow)

    user = relationship("User")


class AuditEntry(Base):
    """Who did what in the console: logins, content changes, handoff actions, account changes."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    username = Column(String(64), nullable=True)
    action = Column(String(40), nullable=False)
    target = Column(String(200), nullable=False, default="")


class HandoffNote(Base):
    """A champion's private note on a handoff; never sent to the person."""

    __tablename__ = "handoff_notes"

    id = Column(Integer, primary_key=True)
    handoff_id = Column(ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    author = Column(String(64), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class QuestionEvent(Base):
    """An anonymous count for insights: one question, its week, language, topic and who answered.

    No link to the person: these rows stay when a conversation is erased.
    """

    __tablename__ = "question_events"

    id = Column(Integer, primary_key=True)
    week = Column(Date, nullable=False, index=True)  # the Monday of the week
    language = Column(String(8), nullable=False)
    topic = Column(String(32), nullable=True)
    key = Column(String(64), nullable=True)
    outcome = Column(String(20), nullable=False)  # bot, unanswered


class UnansweredQuestion(Base):
    """A question the bot could not answer, kept (with digits masked) to write new FAQs from.

    Linked to its conversation so that erasing the person erases it too.
    """

    __tablename__ = "unanswered_questions"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True)
    language = Column(String(8), nullable=False)
    text = Column(String(500), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class RasaTracker(Base):
    """Rasa's tracker of one conversation (its last few turns and slots, as Rasa serialises it),
    written and read only by Rasa through bot.rasa_tracker_store. Keyed by the conversation's
    public id, the only id Rasa ever sees; shared by every Rasa instance."""

    __tablename__ = "rasa_trackers"

    sender_id = Column(String(255), primary_key=True)
    dialogue = Column(Text, nullable=False)
    updated_at = Column(DateTime, nullable=False, default=utcnow)
