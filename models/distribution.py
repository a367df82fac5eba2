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
# kb_staff_search: searches by staff (no account); a log written at every search, so not a reference
# table (each write would go to every node); the knowledge reports read it with kb_search_log in a UNION.
LOCAL: tuple[str, ...] = (
    "outbox_message", "outbox_attempt", "webhook_message", "audit_entry",
    "segment_source_parked", "segment_source_log", "kb_staff_search",
)

# The blockers of the plan (numbers as in the issue "Scale past one PostgreSQL server") still open.
BLOCKERS: dict[int, str] = {
    # None: the composite keys of 0022_composite_keys closed 1 and 2, the last ones.
}

# THE ALLOWLIST: every violation of the plan's rules the live schema has today, as
# (table, rule, columns) -> blocker number. It is the list of record of what still blocks Citus:
# the test fails on a violation missing here (a new table or constraint broke the plan) and on an
# entry here the schema no longer has (a blocker was fixed: strike it). Never add to it lightly.
KNOWN_VIOLATIONS: dict[tuple[str, str, str], int] = {
    # Empty: the live schema keeps every rule of the plan; a new violation fails the test.
}


def plan_of(table: str) -> str | None:
    """The list a table is in: 'distributed', 'reference', 'local', or None when unclassified."""
    for name, tables in (("distributed", DISTRIBUTED), ("reference", REFERENCE), ("local", LOCAL)):
        if table in tables:
            return name
    return None
