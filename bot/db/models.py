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
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

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
    text = Column(Text, nullable=False)
    status = Column(String(20), nullable=False, default="draft")
    # Content that native speakers of the community still have to review (all Romani text, for now).
    community_review_pending = Column(Boolean, nullable=False, default=False)
    updated_at = Column(DateTime, nullable=False, default=utcnow)

    question = relationship("FaqQuestion", back_populates="answers")
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
    delivered_at = Column(DateTime, nullable=True)
    attempts = Column(Integer, nullable=False, default=0, server_default="0")
    next_attempt_at = Column(DateTime, nullable=True)


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
    __table_args__ = (UniqueConstraint("channel", "update_key"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(20), nullable=False)
    update_key = Column(String(100), nullable=False)
    received_at = Column(DateTime, nullable=False, default=utcnow)
    body = Column(Text, nullable=True)  # the raw update (JSON) until it is handled, then NULL
    processed_at = Column(DateTime, nullable=True)
