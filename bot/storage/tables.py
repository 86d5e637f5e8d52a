"""The database schema (SQLAlchemy Core tables); Alembic migrations create and evolve it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)

from bot.storage.types import UTCDateTime

# Constraint names; the doors' own tables (adapters/slack/tables.py, adapters/teams/tables.py)
# use the same convention on their own MetaData, and all share one Alembic history.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING_CONVENTION)  # the core's tables only

# A Slack workspace or a Teams tenant (or the local playground).
organisations = Table(
    "organisations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(16), nullable=False),
    Column("external_id", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("platform", "external_id"),
)

# A team is one study channel of an organisation.
teams = Table(
    "teams",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("org_id", Integer, ForeignKey("organisations.id"), nullable=False),
    Column("channel_id", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("timezone", String(64), nullable=False, default="UTC"),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("org_id", "channel_id"),
)

members = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("org_id", Integer, ForeignKey("organisations.id"), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("org_id", "user_id"),
)

# Who studies in which team, with the member's answer streak in that team.
team_members = Table(
    "team_members",
    metadata,
    Column("team_id", Integer, ForeignKey("teams.id"), nullable=False),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("joined_at", UTCDateTime, nullable=False),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("streak_current", Integer, nullable=False, default=0),
    Column("streak_best", Integer, nullable=False, default=0),
    Column("streak_last_seq", Integer, nullable=False, default=0),
    PrimaryKeyConstraint("team_id", "member_id"),
)

# The question bank as last loaded from the exam pack; retired questions stay for old drops.
questions = Table(
    "questions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("exam_code", String(16), nullable=False),
    Column("domain_id", String(16), nullable=False),
    Column("objective_id", String(16), nullable=False),
    Column("difficulty", SmallInteger, nullable=False),
    Column("body", JSON, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

schedules = Table(
    "schedules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("team_id", Integer, ForeignKey("teams.id"), nullable=False, unique=True),
    Column("days", String(32), nullable=False),
    Column("local_time", String(5), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("window_minutes", Integer, nullable=True),
    Column("closes_at", String(5), nullable=True),
    Column("reveal_mode", String(32), nullable=False),
    Column("focus_domain", String(16), nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("start_date", Date, nullable=True),
    Column("end_date", Date, nullable=True),
    Column("skip_dates", JSON, nullable=False),
    Column("digest_weekday", SmallInteger, nullable=True),  # 0 = Monday; NULL = no digest
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("last_error", String(500), nullable=True),  # the latest delivery failure, for admins
    Column("last_error_at", UTCDateTime, nullable=True),
    Column("planned_until", UTCDateTime, nullable=True),  # occurrences up to here are handled
)

# The states of bot/drop_life/states.py (DropStatus); a test holds the two to the same set.
DROP_STATES = ("pending", "open", "closed", "revealed", "failed", "skipped")

# One question posted to one team, numbered per team (seq), open until closes_at.
drops = Table(
    "drops",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("team_id", Integer, ForeignKey("teams.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("question_id", String(64), ForeignKey("questions.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("option_order", String(128), nullable=False),
    Column("reveal_mode", String(32), nullable=False),
    Column("selection_seed", BigInteger, nullable=False),
    Column("occurrence_key", String(96), nullable=True, unique=True),
    Column("message_id", String(128), nullable=True),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("closes_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("revealed_at", UTCDateTime, nullable=True),
    # delivery: scheduled drops wait as "pending" until a worker holding the lease posts them
    Column("schedule_id", Integer, ForeignKey("schedules.id", ondelete="SET NULL"), nullable=True),
    Column("attempts", Integer, nullable=False, default=0, server_default="0"),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    Column("lease_owner", String(64), nullable=True),
    Column("lease_until", UTCDateTime, nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("posted_at", UTCDateTime, nullable=True),
    # when the drop's answers were added to the points and accuracy of member_stats (at reveal)
    Column("scored_at", UTCDateTime, nullable=True),
    Column("post_started_at", UTCDateTime, nullable=True),  # a post was sent (maybe not recorded)
    Column("result_posted_at", UTCDateTime, nullable=True),  # the daily result went out
    UniqueConstraint("team_id", "seq"),
    CheckConstraint(
        "status IN (" + ", ".join(f"'{state}'" for state in DROP_STATES) + ")", name="status"
    ),
    Index("ix_drops_team_status", "team_id", "status"),
    Index("ix_drops_status_next_attempt", "status", "next_attempt_at"),
    Index("ix_drops_status_closes", "status", "closes_at"),
)

# Scheduled occurrences that were not posted because the service was down for longer than the
# grace period: recorded so that admins can see them and so that they are never posted late.
skipped_occurrences = Table(
    "skipped_occurrences",
    metadata,
    Column("occurrence_key", String(96), primary_key=True),
    Column("schedule_id", Integer, ForeignKey("schedules.id", ondelete="CASCADE"), nullable=False),
    Column("local_date", Date, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("reason", String(300), nullable=True),
    Index("ix_skipped_occurrences_schedule_id", "schedule_id"),  # a schedule page's own misses
)

# Weekly digests (one per schedule and week): claimed under a lease, done once posted_at is set.
digests = Table(
    "digests",
    metadata,
    Column("schedule_id", Integer, ForeignKey("schedules.id", ondelete="CASCADE"), nullable=False),
    Column("week_start", Date, nullable=False),
    Column("posted_at", UTCDateTime, nullable=True),
    Column("lease_owner", String(64), nullable=True),
    Column("lease_until", UTCDateTime, nullable=True),
    PrimaryKeyConstraint("schedule_id", "week_start"),
)

answers = Table(
    "answers",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("drop_id", Integer, ForeignKey("drops.id"), nullable=False),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("team_id", Integer, nullable=False),
    Column("domain_id", String(16), nullable=False),
    Column("option_ids", String(64), nullable=False),
    Column("correct", Boolean, nullable=False),
    Column("points", Integer, nullable=False),
    Column("answered_at", UTCDateTime, nullable=False),
    UniqueConstraint("drop_id", "member_id"),
)

# Maintained aggregate for leaderboards: one row per team, period, domain and member, updated in
# the same transaction as the answer. period is week | month | all; period_start is the local
# first day of the period in the team's time zone (1970-01-01 for all time).
member_stats = Table(
    "member_stats",
    metadata,
    Column("team_id", Integer, nullable=False),
    Column("period", String(8), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("domain_id", String(16), nullable=False),
    Column("member_id", Integer, nullable=False),
    Column("answered", Integer, nullable=False),
    Column("correct", Integer, nullable=False),
    Column("points", Integer, nullable=False),
    PrimaryKeyConstraint("team_id", "period", "period_start", "domain_id", "member_id"),
)

# Study admins told that a drop of their channel failed for good: one row per team and local day
# (the team's time zone), claimed by an INSERT that only one replica can make, so that they are
# told at most once per channel per day whatever the number of replicas or restarts.
drop_alerts = Table(
    "drop_alerts",
    metadata,
    Column("team_id", Integer, ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
    Column("local_date", Date, nullable=False),
    Column("drop_id", Integer, nullable=False),  # the failure they were told about
    Column("alerted_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("team_id", "local_date"),
)

# Platform events already handled (Slack event_id, Teams activity id): retried deliveries and
# several replicas handle each event once.
processed_events = Table(
    "processed_events",
    metadata,
    Column("platform", String(16), nullable=False),
    Column("event_id", String(128), nullable=False),
    Column("seen_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("platform", "event_id"),
)

# Administrative changes of an organisation: who did what, where from, before and after.
audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("org_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("door", String(16), nullable=False),  # slack, teams, web, cli
    Column("actor_id", String(64), nullable=False),
    Column("actor_name", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("target", String(200), nullable=False),  # the channel or person it was about
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
    Index("ix_audit_events_org_at", "org_id", "at"),
)
