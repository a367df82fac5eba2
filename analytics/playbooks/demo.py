"""Demo playbooks: three playbooks on their segments, with a year of episodes, sends, tasks and outcomes.

Episodes follow the accounts' stories: declining accounts fall into the "renewal and yellow" and
"key feature unused" segments, recovering ones were helped by them, detractors come from the
accounts that struggled. Bands at entry come from the demo's health history.
"""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import insert, select

from analytics.playbooks.engine import DEFAULT_HOLDOUT_SHARE, is_held_out
from analytics.playbooks.results import band_on
from analytics.playbooks.segments import members, parse_rules
from analytics.playbooks.segments import person_targets
from models.db import Session
from models.health import HealthScore
from models.knowledge import Article
from models.playbooks import CsmTask, Playbook, PlaybookEpisode, PlaybookSend, Segment
from models.usage import KeyFeature


def _playbooks(ctx) -> list[tuple[Playbook, tuple[str, ...]]]:
    """The demo playbooks and the stories whose accounts enter them."""
    feature = Session.scalar(select(KeyFeature).order_by(KeyFeature.maturity_level.desc(), KeyFeature.id))
    unused = [{"kind": "customer_for_days", "op": ">=", "days": 30}]
    if feature is not None:
        unused.append({"kind": "feature_unused", "feature": feature.feature, "days": 30})
    else:
        unused.append({"kind": "seat_utilisation", "op": "<", "percent": 40})
    feature_name = feature.name if feature is not None else "the key features"
    guide = ""

    published = select(Article.slug).where(Article.status == "published")
    slug = None
    if feature is not None and feature.article_slug:
        slug = Session.scalar(published.where(Article.slug == feature.article_slug))
    slug = slug or Session.scalar(published.order_by(Article.id).limit(1))  # the knowledge base's first guide
    if slug:
        guide = f"\n\nOur guide shows how in five minutes: {{{{ article_url:{slug} }}}}"
    specs = [
        ("Key feature unused after 30 days", unused, ("declining", "new", "recovering"), {
            "email_subject": f"Get more from {feature_name}, {{{{ first_name }}}}",
            "email_body": (f"Hello {{{{ first_name }}}},\n\n{{{{ account_name }}}} has {{{{ active_users_28d }}}} active "
                           f"users, but nobody has used **{feature_name}** in the last 30 days. Teams that use it "
                           f"reach their goals faster.{guide}\n\nReply to this e-mail and I will show you in 20 minutes."),
            "message_text": f"Try {feature_name}: teams like yours who use it reach their goals faster.",
            "promoted_feature": feature.feature if feature is not None else None}),
        # every account with a fresh detractor answer is followed up, even when that is all of them: confirmed
        ("Detractor follow-up", [{"kind": "nps_category", "in": ["detractor"], "days": 30}], ("declining", "recovering"), {
            "confirmed_all": True,
            "email_subject": "Thank you for your honest feedback, {{ first_name }}",
            "email_body": ("Hello {{ first_name }},\n\nthank you for telling us what does not work for "
                           "{{ account_name }}. I would like to understand it better and fix it with you: "
                           "reply with a time that suits you."),
            "task_text": "Call the account about its detractor answer and record what was agreed."}),
        ("Renewal in 90 days and yellow", [{"kind": "days_to_renewal", "op": "<=", "days": 90},
                                           {"kind": "health_band", "in": ["yellow"]}], ("declining", "healthy"), {
            "task_text": "Prepare the renewal: review usage and value with the customer before the renewal date.",
            "message_text": "Your renewal is coming up: let us review the value you get together."}),
    ]
    made = []
    for name, rules, stories, actions in specs:
        segment = Segment(name=name, owner_id=ctx.admin.id, rules_json=json.dumps({"rules": rules}))
        Session.add(segment)
        Session.flush()
        playbook = Playbook(name=name, segment_id=segment.id, owner_id=ctx.admin.id, is_active=True, **actions)
        Session.add(playbook)
        made.append((playbook, stories))
    Session.flush()
    return made


def seed_playbooks(ctx) -> None:
    """Add the demo playbooks and their history (bulk inserts; deterministic from ctx.rng)."""
    made = _playbooks(ctx)
    history: dict[int, list] = {}
    for account_id, as_of, band in Session.execute(
            select(HealthScore.account_id, HealthScore.as_of, HealthScore.band).order_by(HealthScore.account_id,
                                                                                         HealthScore.as_of)):
        history.setdefault(account_id, []).append((as_of, band))
    sends, tasks = [], []

    def add_episode(playbook, account, entered_day, left_day) -> None:
        entered = datetime.combine(entered_day, time(6), tzinfo=timezone.utc)
        held_out = is_held_out(playbook.id, account.id, DEFAULT_HOLDOUT_SHARE)
        episode = PlaybookEpisode(
            playbook_id=playbook.id, account_id=account.id, entered_at=entered, held_out=held_out,
            left_at=datetime.combine(left_day, time(6), tzinfo=timezone.utc) if left_day else None,
            band_at_entry=band_on(history.get(account.id, []), entered_day),
            task_created=bool(playbook.task_text) and not held_out)
        Session.add(episode)
        Session.flush()
        if playbook.email_subject or held_out:
            people = ctx.customers[account.id]
            # an open episode has reached everyone the rule holds for today; a past one, those of its day
            as_of = entered_day if left_day else ctx.today
            targets = person_targets(parse_rules(playbook.segment.rules_json), [account.id], as_of)
            if targets is not None:  # a rule about a person's answer reached only the people who gave it
                people = [user for user in people if user.id in targets.get(account.id, set())]
            sends.extend({"playbook_id": playbook.id, "episode_id": episode.id, "account_id": account.id,
                          "user_id": user.id, "sent_at": entered, "held_out": held_out}
                         for user in people)
        if episode.task_created:
            done = entered_day + timedelta(days=ctx.rng.randint(1, 10))
            finished = done < ctx.today - timedelta(days=3)
            tasks.append({"account_id": account.id, "playbook_id": playbook.id, "episode_id": episode.id,
                          "csm_id": account.csm_id, "text": playbook.task_text, "created_at": entered,
                          "done_at": datetime.combine(done, time(15), tzinfo=timezone.utc) if finished else None,
                          "done_by_id": account.csm_id if finished else None})

    for playbook, stories in made:
        # past episodes, all over by 30 days ago
        candidates = [a for a in ctx.accounts if ctx.stories[a.id] in stories]
        chosen = ctx.rng.sample(candidates, k=min(len(candidates), max(2, len(candidates) * 2 // 3)))
        for account in sorted(chosen, key=lambda a: a.id):
            earliest = max(ctx.start, account.customer_since) + timedelta(days=30)
            span = (ctx.today - timedelta(days=120) - earliest).days
            if span < 1:
                continue
            entered_day = earliest + timedelta(days=ctx.rng.randint(0, span - 1))
            add_episode(playbook, account, entered_day, entered_day + timedelta(days=ctx.rng.randint(14, 90)))
        # the accounts in the segment now entered it recently and were reached then
        rules = parse_rules(playbook.segment.rules_json)
        for account in members(rules, today=ctx.today):
            add_episode(playbook, account, ctx.today - timedelta(days=ctx.rng.randint(1, 20)), None)
    if sends:
        Session.execute(insert(PlaybookSend), sends)
    if tasks:
        Session.execute(insert(CsmTask), tasks)
