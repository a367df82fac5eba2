"""Where each table lives on Citus: distributed by account, replicated reference, or coordinator-only.

The plan is data so that a test can hold the live schema to it (tests/test_distribution_plan.py) and
the README can state it. Every table of `models.Base.metadata` is in exactly one of the three lists.
"""
from __future__ import annotations

DISTRIBUTION_COLUMN = "account_id"
COLOCATE_WITH = "usage_event"  # every distributed table is co-located with it (same shard per account)

# One account's data: distributed by account_id, co-located, so a page about one account is one node.
DISTRIBUTED: tuple[str, ...] = (
    "usage_event", "usage_event_key", "usage_account_day", "usage_user_day", "usage_feature_day",
    "usage_user_feature_day", "usage_user_span", "usage_user_feature_span", "usage_account_week", "engagement_event", "arr_change",
    "health_score", "health_warning",
    "survey_response", "survey_invitation", "survey_campaign_account", "detractor_followup",
    "plan_metric", "plan_reading", "plan_comment",
    "assessment_round", "assessment_round_level", "assessment_response", "assessment_answer",
    "kb_view", "kb_vote", "kb_search_log",
    "share_link", "share_visit", "contact_request",
    "playbook_episode", "playbook_send", "csm_task",
    "segment_source_group", "sso_connection", "sso_domain", "sign_in_token",
)

# Small, vendor-wide tables, replicated to every node and joined locally from anywhere. `account` and
# `user` are here: every query joins them, and staff users have no account (NULL is no shard key).
REFERENCE: tuple[str, ...] = (
    "account", "user", "api_token", "user_two_factor", "user_recovery_code", "sso_identity",
    "mail_unsubscribe", "survey_opt_out",
    "setting", "key_feature", "forecast_model", "webhook_endpoint", "segment_source_mapping",
    "kb_category", "kb_tag", "kb_article", "kb_revision", "kb_article_tag", "kb_article_feature",
    "kb_article_level", "kb_slug_redirect",
    "maturity_model", "maturity_dimension", "maturity_level", "maturity_question", "maturity_option",
    "maturity_behaviour",
    "survey_campaign", "segment", "playbook",
)

# Plain tables on the coordinator (citus_add_local_table_to_metadata): queues polled with
# FOR UPDATE SKIP LOCKED across accounts, and logs that outlive accounts or belong to none.
LOCAL: tuple[str, ...] = (
    "outbox_message", "outbox_attempt", "webhook_message", "audit_entry",
    "segment_source_parked", "segment_source_log",
)

# The blockers of the plan (numbers as in the issue "Scale past one PostgreSQL server") still open.
BLOCKERS: dict[int, str] = {
    1: "a primary key or unique constraint of a distributed table lacks account_id",
    2: "a foreign key between distributed tables is not composite on account_id",
    3: "the knowledge search trigger on kb_article (a reference table)",
    6: "staff rows with a NULL account_id in kb_search_log and kb_vote",
}

# THE ALLOWLIST: every violation of the plan's rules the live schema has today, as
# (table, rule, columns) -> blocker number. It is the list of record of what still blocks Citus:
# the test fails on a violation missing here (a new table or constraint broke the plan) and on an
# entry here the schema no longer has (a blocker was fixed: strike it). Never add to it lightly.
KNOWN_VIOLATIONS: dict[tuple[str, str, str], int] = {
    # Blocker 1: primary keys `id` without account_id (they become (account_id, id)).
    **{(table, "primary_key", "id"): 1 for table in (
        "assessment_answer", "assessment_response", "assessment_round", "contact_request", "csm_task",
        "detractor_followup", "engagement_event", "health_score", "health_warning", "kb_search_log",
        "kb_view", "kb_vote", "plan_comment", "plan_metric", "plan_reading", "playbook_episode",
        "playbook_send", "share_link", "share_visit", "survey_invitation", "survey_response")},
    ("assessment_round_level", "primary_key", "round_id,dimension_id"): 1,
    # Blocker 1: unique constraints without account_id.
    ("assessment_answer", "unique", "response_id,question_id"): 1,
    ("assessment_response", "unique", "round_id,user_id"): 1,
    ("detractor_followup", "unique", "response_id"): 1,
    ("kb_vote", "unique", "article_id,user_id"): 1,
    ("plan_reading", "unique", "metric_id,day"): 1,
    ("playbook_send", "unique", "episode_id,user_id"): 1,
    ("share_link", "unique", "token_hash"): 1,
    ("survey_invitation", "unique", "token_hash"): 1,
    # Blocker 2: foreign keys between distributed tables on `id` alone (they become (account_id, x_id)).
    ("assessment_answer", "composite_fk", "response_id"): 2,
    ("assessment_response", "composite_fk", "round_id"): 2,
    ("assessment_round_level", "composite_fk", "round_id"): 2,
    ("csm_task", "composite_fk", "episode_id"): 2,
    ("detractor_followup", "composite_fk", "response_id"): 2,
    ("plan_comment", "composite_fk", "metric_id"): 2,
    ("plan_reading", "composite_fk", "metric_id"): 2,
    ("playbook_send", "composite_fk", "episode_id"): 2,
    ("share_visit", "composite_fk", "link_id"): 2,
    ("survey_invitation", "composite_fk", "response_id"): 2,
    # Blocker 3: the tsvector trigger keeps kb_article.search_vector up to date.
    ("kb_article", "trigger", "kb_article_search_refresh"): 3,
    # Blocker 6: staff searches and votes are stored with a NULL account_id.
    ("kb_search_log", "account_id_not_null", "account_id"): 6,
    ("kb_vote", "account_id_not_null", "account_id"): 6,
}


def plan_of(table: str) -> str | None:
    """The list a table is in: 'distributed', 'reference', 'local', or None when unclassified."""
    for name, tables in (("distributed", DISTRIBUTED), ("reference", REFERENCE), ("local", LOCAL)):
        if table in tables:
            return name
    return None
