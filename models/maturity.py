"""The maturity model (versioned), assessment rounds, respondents' answers and results."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.accounts import User
from models.db import Base, account_foreign_key, account_key, utcnow


class MaturityModel(Base):
    """One version of the maturity model; a version with answers is never edited, a new one is made."""

    __tablename__ = "maturity_model"
    __table_args__ = (CheckConstraint("version >= 1", name="version_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    version: Mapped[int] = mapped_column(Integer, unique=True)  # 1, 2, ...; the highest is the current model
    name: Mapped[str] = mapped_column(String(200), default="Maturity model")  # title shown to customers
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when this version was made
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # admin who saved it

    levels: Mapped[list["MaturityLevel"]] = relationship(
        order_by="MaturityLevel.number", cascade="all, delete-orphan", passive_deletes=True)
    dimensions: Mapped[list["MaturityDimension"]] = relationship(
        order_by="MaturityDimension.position", cascade="all, delete-orphan", passive_deletes=True)


class MaturityLevel(Base):
    """A level of a model version (1 = lowest); numbers run 1..n without gaps."""

    __tablename__ = "maturity_level"
    __table_args__ = (
        UniqueConstraint("model_id", "number"),
        CheckConstraint("number BETWEEN 1 AND 9", name="number_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    model_id: Mapped[int] = mapped_column(ForeignKey("maturity_model.id", ondelete="CASCADE"))  # its model version
    number: Mapped[int] = mapped_column(Integer)  # 1..n
    name: Mapped[str] = mapped_column(String(100))  # e.g. Initial, Developing, Defined, Managed, Optimising


class MaturityDimension(Base):
    """An area the model rates, e.g. Adoption or Measurement."""

    __tablename__ = "maturity_dimension"
    __table_args__ = (UniqueConstraint("model_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    model_id: Mapped[int] = mapped_column(ForeignKey("maturity_model.id", ondelete="CASCADE"))  # its model version
    position: Mapped[int] = mapped_column(Integer)  # order of pages in the assessment
    name: Mapped[str] = mapped_column(String(100))  # e.g. Adoption

    behaviours: Mapped[list["MaturityBehaviour"]] = relationship(
        order_by="(MaturityBehaviour.level, MaturityBehaviour.position)", cascade="all, delete-orphan",
        passive_deletes=True)
    questions: Mapped[list["MaturityQuestion"]] = relationship(
        order_by="MaturityQuestion.position", cascade="all, delete-orphan", passive_deletes=True)


class MaturityBehaviour(Base):
    """What an organisation at a level does in a dimension; optionally tied to a key feature and an article."""

    __tablename__ = "maturity_behaviour"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 9", name="level_range"),
        Index("ix_maturity_behaviour_dimension_level", "dimension_id", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    dimension_id: Mapped[int] = mapped_column(ForeignKey("maturity_dimension.id", ondelete="CASCADE"))  # its dimension
    level: Mapped[int] = mapped_column(Integer)  # level number it describes
    position: Mapped[int] = mapped_column(Integer, default=0)  # order within the level
    text: Mapped[str] = mapped_column(Text)  # the behaviour, as a concrete step
    key_feature_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("key_feature.id", ondelete="SET NULL"), index=True)  # feature whose use shows this behaviour
    article_slug: Mapped[Optional[str]] = mapped_column(String(200))  # knowledge article that helps, by slug


class MaturityQuestion(Base):
    """A question of a dimension; each option maps to a level."""

    __tablename__ = "maturity_question"

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    dimension_id: Mapped[int] = mapped_column(ForeignKey("maturity_dimension.id", ondelete="CASCADE"), index=True)  # its dimension
    position: Mapped[int] = mapped_column(Integer)  # order on the page
    text: Mapped[str] = mapped_column(Text)  # the question

    options: Mapped[list["MaturityOption"]] = relationship(
        order_by="MaturityOption.position", cascade="all, delete-orphan", passive_deletes=True)


class MaturityOption(Base):
    """An answer a respondent may pick, and the level it stands for."""

    __tablename__ = "maturity_option"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 9", name="level_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    question_id: Mapped[int] = mapped_column(ForeignKey("maturity_question.id", ondelete="CASCADE"), index=True)  # its question
    position: Mapped[int] = mapped_column(Integer)  # order among the options
    text: Mapped[str] = mapped_column(Text)  # the answer as shown
    level: Mapped[int] = mapped_column(Integer)  # level this answer stands for


class AssessmentRound(Base):
    """One assessment of an account on one model version; several respondents may answer it."""

    __tablename__ = "assessment_round"
    __table_args__ = (
        account_key(),
        CheckConstraint("overall_level IS NULL OR overall_level BETWEEN 1 AND 9", name="overall_range"),
        Index("ix_assessment_round_account_taken", "account_id", "taken_on"),
    )

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # assessed account
    model_id: Mapped[int] = mapped_column(ForeignKey("maturity_model.id", ondelete="RESTRICT"), index=True)  # version it was taken on
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # first respondent started
    taken_on: Mapped[Optional[date]] = mapped_column(Date)  # UTC day of the latest submission; NULL: none yet
    overall_level: Mapped[Optional[int]] = mapped_column(Integer)  # combined overall level; NULL: none submitted
    respondents: Mapped[int] = mapped_column(Integer, default=0)  # submitted responses combined in the result
    drop_notified_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # CSM told of a level drop

    model: Mapped[MaturityModel] = relationship()


class AssessmentRoundLevel(Base):
    """The combined level of one dimension in a round."""

    __tablename__ = "assessment_round_level"
    __table_args__ = (
        PrimaryKeyConstraint("account_id", "round_id", "dimension_id"),
        account_foreign_key("assessment_round_level", "round_id", "assessment_round", ondelete="CASCADE"),
        CheckConstraint("level BETWEEN 1 AND 9", name="level_range"),
    )

    round_id: Mapped[int] = mapped_column()  # its round
    dimension_id: Mapped[int] = mapped_column(ForeignKey("maturity_dimension.id", ondelete="RESTRICT"))  # rated dimension
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)  # assessed account
    level: Mapped[int] = mapped_column(Integer)  # floor of the mean of every respondent's answer levels
    mean: Mapped[float] = mapped_column()  # that mean before rounding down, for the page


class AssessmentResponse(Base):
    """One respondent's answers in a round: a draft until submitted."""

    __tablename__ = "assessment_response"
    __table_args__ = (
        account_key(),
        UniqueConstraint("round_id", "user_id", "account_id"),
        account_foreign_key("assessment_response", "round_id", "assessment_round", ondelete="CASCADE"),
        CheckConstraint("status IN ('draft', 'submitted')", name="status_known"),
        CheckConstraint("status <> 'submitted' OR submitted_at IS NOT NULL", name="submitted_has_time"),
    )

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    round_id: Mapped[int] = mapped_column(index=True)  # its round
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)  # assessed account
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))  # the respondent (a customer user)
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft or submitted
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # first page saved
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)  # last page saved
    submitted_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # when submitted

    user: Mapped[User] = relationship()
    answers: Mapped[list["AssessmentAnswer"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class AssessmentAnswer(Base):
    """The option a respondent picked for a question."""

    __tablename__ = "assessment_answer"
    __table_args__ = (
        account_key(),
        UniqueConstraint("response_id", "question_id", "account_id"),
        account_foreign_key("assessment_answer", "response_id", "assessment_response", ondelete="CASCADE"),
        CheckConstraint("level BETWEEN 1 AND 9", name="level_range"),
    )

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    response_id: Mapped[int] = mapped_column()  # its response
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)  # assessed account
    question_id: Mapped[int] = mapped_column(ForeignKey("maturity_question.id", ondelete="RESTRICT"), index=True)  # answered question
    option_id: Mapped[int] = mapped_column(ForeignKey("maturity_option.id", ondelete="RESTRICT"))  # picked option
    level: Mapped[int] = mapped_column(Integer)  # the option's level, kept with the answer
