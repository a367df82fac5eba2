"""Playbook content (placeholders checked on save, Markdown rendered safely) and the playbook run.

A run evaluates every active playbook's segment in one query, opens an episode for each
account that entered it and closes the episodes of those that left. Each customer user of
an account in an open episode receives the playbook's e-mail once per episode, signed by
the account's CSM, through the outbox; never when they unsubscribed from playbook mail,
never beyond the account-wide contact cap (one playbook mailing to an account counts as
one contact request, like one survey round). Accounts in the hold-out share are recorded
but never contacted, so results compare contacted against held-out accounts.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup
from sqlalchemy import distinct, func, select

from analytics.playbooks.segments import SegmentError, members, owner_scope, parse_rules, scope_count
from core.fatigue import budgets_left, record_contact
from core.outbox import is_deliverable, queue_mail
from core.settings import get_setting
from core.tiers import tier_by_account
from knowledge.rendering import render_markdown
from analytics.playbooks.segments import person_targets
from core.mail_headers import signed_headers, unsolicited_headers
from models.accounts import Account, User
from models.db import Session, utcnow
from models.health import HealthScore
from models.knowledge import Article
from models.playbooks import CsmTask, MailUnsubscribe, Playbook, PlaybookEpisode, PlaybookSend
from models.usage import UsageUserDay

MAIL_KIND = "playbook"  # kind of mail (outbox, unsubscribes) and of contact request
HOLDOUT_SETTING = "playbooks.holdout_share"
DEFAULT_HOLDOUT_SHARE = 0.10
PLACEHOLDERS = {
    "first_name": "the person's first name",
    "account_name": "the account's name",
    "active_users_28d": "distinct active users in the last 28 days",
    "seats": "licensed seats",
    "health_score": "the latest health score (0-100)",
    "csm_name": "the name of the account's CSM",
    "article_url:SLUG": "the address of a published knowledge article",
}
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_0-9]+)(?::([a-z0-9][a-z0-9-]*))?\s*\}\}")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~])")


class PlaybookError(ValueError):
    """Playbook input that cannot be accepted; the message is a sentence for the user."""


def _article_exists(slug: str) -> bool:
    return Session.scalar(select(Article.id).where(Article.slug == slug, Article.status == "published")) is not None


def check_template(text: str, what: str) -> list[str]:
    """Check a subject or body's placeholders; returns the article slugs it links (PlaybookError when wrong)."""
    slugs = []
    for match in _PLACEHOLDER.finditer(text or ""):
        name, argument = match.groups()
        if name == "article_url":
            if not argument:
                raise PlaybookError(f"The {what} uses {{{{ article_url }}}} without a slug; write {{{{ article_url:my-article }}}}.")
            if not _article_exists(argument):
                raise PlaybookError(f"The {what} links the article {argument!r}, which is not a published article.")
            slugs.append(argument)
        elif name not in PLACEHOLDERS or argument:
            known = ", ".join("{{ " + key + " }}" for key in PLACEHOLDERS)
            raise PlaybookError(f"The {what} uses the unknown placeholder {match.group(0)}; use one of {known}.")
    leftover = _PLACEHOLDER.sub("", text or "")
    if "{{" in leftover or "}}" in leftover or "{%" in leftover:
        raise PlaybookError(f"The {what} has braces that are not a placeholder; placeholders look like {{{{ first_name }}}}.")
    return slugs


def linked_slugs(text: str) -> list[str]:
    """Article slugs linked by {{ article_url:slug }} placeholders."""
    return [m.group(2) for m in _PLACEHOLDER.finditer(text or "") if m.group(1) == "article_url" and m.group(2)]


def fill(text: str, values: dict, escape_markdown: bool = False) -> str:
    """Replace the placeholders with values (escaped for Markdown when asked)."""
    def replace(match: re.Match) -> str:
        name, argument = match.groups()
        if name == "article_url":
            return f"{values['base_url']}/kb/{argument}"
        value = str(values.get(name, ""))
        return _MARKDOWN_SPECIAL.sub(r"\\\1", value) if escape_markdown else value

    return _PLACEHOLDER.sub(replace, text or "")


def render_body(markdown_text: str) -> str:
    """Markdown to sanitised HTML, by the knowledge base's one renderer."""
    return render_markdown(markdown_text or "").html


def holdout_share() -> float:
    """The hold-out share from the settings (0..1; the default when the stored value is unusable)."""
    value = get_setting(HOLDOUT_SETTING, DEFAULT_HOLDOUT_SHARE)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        return DEFAULT_HOLDOUT_SHARE
    return float(value)


def is_held_out(playbook_id: int, account_id: int, share: float) -> bool:
    """Deterministic hold-out: a hash of playbook and account ids below the share."""
    digest = hashlib.sha256(f"playbook-holdout:{playbook_id}:{account_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="mail-unsubscribe")


def unsubscribe_token(user_id: int, kind: str = MAIL_KIND) -> str:
    """The token of a person's unsubscribe link for a kind of mail."""
    return _serializer().dumps([user_id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) of a valid unsubscribe token, else None."""
    try:
        user_id, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or kind != MAIL_KIND:
        return None
    return user_id, kind


def unsubscribe(user_id: int, kind: str = MAIL_KIND) -> bool:
    """Record that a person wants no more mail of this kind (flushes); False if already done."""
    if Session.get(MailUnsubscribe, (user_id, kind)) is not None:
        return False
    Session.add(MailUnsubscribe(user_id=user_id, kind=kind))
    Session.flush()
    return True


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


@dataclass
class RunReport:
    """What a run did (or, dry, would do): one line per person and action, and the refusals."""

    dry_run: bool = False
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    problem_accounts: list[str | None] = field(default_factory=list)  # external id each refusal is about, or None
    entered_ids: list[int] = field(default_factory=list)  # accounts that entered a segment
    left_ids: list[int] = field(default_factory=list)  # accounts that left one
    mails: int = 0
    tasks: int = 0
    held_out: int = 0
    entered: int = 0
    left: int = 0

    def only_accounts(self, account_ids: set[int], external_ids: set[str]) -> "RunReport":
        """The same report limited to lines and refusals about these accounts (what a CSM may see)."""
        lines = [line for line in self.lines if line.split(" | ")[1] in external_ids]
        kept = [(text, ext) for text, ext in zip(self.problems, self.problem_accounts)
                if ext is None or ext in external_ids]
        return RunReport(dry_run=self.dry_run, lines=lines, problems=[t for t, _ in kept],
                         problem_accounts=[e for _, e in kept],
                         mails=sum(line.split(" | ")[3].startswith("e-mail: ") for line in lines),
                         tasks=sum(line.endswith("| CSM task") for line in lines),
                         held_out=sum("| held out" in line for line in lines),
                         entered_ids=[i for i in self.entered_ids if i in account_ids],
                         left_ids=[i for i in self.left_ids if i in account_ids],
                         entered=sum(i in account_ids for i in self.entered_ids),
                         left=sum(i in account_ids for i in self.left_ids))

    def summary(self) -> str:
        """One line for people."""
        verb = "would queue" if self.dry_run else "queued"
        return (f"Playbooks: {_count(self.entered, 'account')} entered and {self.left} left their segments; {verb} "
                f"{_count(self.mails, 'e-mail')} and {_count(self.tasks, 'CSM task')}; "
                f"{_count(self.held_out, 'person', 'people')} held out; {_count(len(self.problems), 'refusal')}.")


def _figures(account_ids: list[int], today: date) -> tuple[dict[int, int], dict[int, float]]:
    """active users in 28 days and latest health score, per account (two queries)."""
    if not account_ids:
        return {}, {}
    active = dict(Session.execute(
        select(UsageUserDay.account_id, func.count(distinct(UsageUserDay.user_id)))
        .where(UsageUserDay.account_id.in_(account_ids), UsageUserDay.day > today - timedelta(days=28),
               UsageUserDay.day <= today)
        .group_by(UsageUserDay.account_id)).all())
    latest = (select(HealthScore.account_id, func.max(HealthScore.as_of).label("as_of"))
              .where(HealthScore.account_id.in_(account_ids), HealthScore.as_of <= today)
              .group_by(HealthScore.account_id).subquery())
    rows = Session.execute(select(HealthScore.account_id, HealthScore.score, HealthScore.band).join(
        latest, (latest.c.account_id == HealthScore.account_id) & (latest.c.as_of == HealthScore.as_of))).all()
    health = {row.account_id: (round(row.score), row.band) for row in rows}
    return active, health


def _people(account_ids: list[int]) -> dict[int, list[User]]:
    """Active customer users of these accounts who have a mailbox (not people known only by a vendor id)."""
    by_account: dict[int, list[User]] = {}
    for user in Session.scalars(select(User).where(User.role == "customer", User.is_active.is_(True),
                                                   User.account_id.in_(account_ids)).order_by(User.id)):
        if is_deliverable(user.email):
            by_account.setdefault(user.account_id, []).append(user)
    return by_account


class _Run:
    """One run over the active playbooks, sharing the contact budgets between them."""

    def __init__(self, report: RunReport, now: datetime):
        self.report = report
        self.now = now
        self.today = now.date()
        self.share = holdout_share()
        self.tiers = tier_by_account()
        self.budgets: dict[int, int] = {}
        self.unsubscribed = set(Session.scalars(select(MailUnsubscribe.user_id).where(MailUnsubscribe.kind == MAIL_KIND)))

    def problem(self, text: str, account: Account | None = None) -> None:
        self.report.problems.append(text)
        self.report.problem_accounts.append(account.external_id if account is not None else None)

    def line(self, playbook: Playbook, account: Account, who: str, action: str) -> None:
        self.report.lines.append(f"{playbook.name} | {account.external_id} | {who} | {action}")

    def playbook(self, playbook: Playbook) -> None:
        try:
            rules = parse_rules(playbook.segment.rules_json)
        except SegmentError as exc:
            self.problem(f"{playbook.name}: refused, its segment's rules are no longer valid: {exc}")
            return
        owner = playbook.segment.owner
        if owner is None or owner.role not in ("csm", "admin") or not owner.is_active:
            self.problem(f"{playbook.name}: refused, its segment belongs to nobody on the staff any more; "
                         "an admin should take the segment over.")
            return
        scope = owner_scope(owner)
        accounts = members(rules, scope, self.today, self.tiers)
        in_scope = scope_count(scope)
        if playbook.email_subject and accounts and len(accounts) == in_scope and not playbook.confirmed_all:
            self.problem(
                f"{playbook.name}: refused, its segment matches every one of the {in_scope} accounts; "
                "confirm on the playbook's page that it should mail them all.")
            return
        open_episodes = {e.account_id: e for e in Session.scalars(
            select(PlaybookEpisode).where(PlaybookEpisode.playbook_id == playbook.id, PlaybookEpisode.left_at.is_(None)))}
        member_ids = {a.id for a in accounts}
        for account_id, episode in open_episodes.items():
            if account_id not in member_ids:
                episode.left_at = self.now
                self.report.left += 1
                self.report.left_ids.append(account_id)
        active, health = _figures(sorted(member_ids), self.today)
        people = _people(sorted(member_ids))
        targets = person_targets(rules, sorted(member_ids), self.today)
        if targets is not None:  # a rule about a person's answer: their mail reaches only those people
            people = {a: [u for u in users if u.id in targets.get(a, set())] for a, users in people.items()}
        new_ids = [a.id for a in accounts if a.id not in open_episodes]
        self.budgets.update({k: v for k, v in budgets_left(new_ids + [i for i in open_episodes if i in member_ids],
                                                           self.now).items() if k not in self.budgets})
        fresh = []
        for account in accounts:
            if account.id not in open_episodes:
                episode = PlaybookEpisode(playbook_id=playbook.id, account_id=account.id, entered_at=self.now,
                                          held_out=is_held_out(playbook.id, account.id, self.share),
                                          band_at_entry=health.get(account.id, (None, None))[1])
                Session.add(episode)
                fresh.append(episode)
                open_episodes[account.id] = episode
        Session.flush()  # one flush gives every new episode its id
        self.report.entered += len(fresh)
        self.report.entered_ids.extend(e.account_id for e in fresh)
        reached: dict[int, set[int]] = {}
        for episode_id, user_id in Session.execute(select(PlaybookSend.episode_id, PlaybookSend.user_id).where(
                PlaybookSend.playbook_id == playbook.id, PlaybookSend.account_id.in_(sorted(member_ids) or [-1]),
                PlaybookSend.episode_id.in_([open_episodes[i].id for i in member_ids] or [-1]))):
            reached.setdefault(episode_id, set()).add(user_id)
        for account in accounts:
            episode = open_episodes[account.id]
            if episode in fresh and playbook.message_text and not episode.held_out:
                self.line(playbook, account, "dashboard", "in-portal message shown")
            due = [u for u in people.get(account.id, []) if u.id not in reached.get(episode.id, set())]
            self.account(playbook, account, episode, due,
                         active.get(account.id, 0), health.get(account.id, (None, None))[0])

    def account(self, playbook, account, episode, due, active_users, health_score) -> None:
        if episode.held_out:
            for user in due:
                Session.add(PlaybookSend(playbook_id=playbook.id, episode_id=episode.id, account_id=account.id,
                                         user_id=user.id, sent_at=self.now, held_out=True))
                self.line(playbook, account, user.email, "held out (not contacted, for comparison)")
                self.report.held_out += 1
            return
        if (playbook.email_subject or playbook.task_text) and account.csm is None:
            self.problem(
                f"{playbook.name}: refused for {account.external_id} ({account.name}), which has no CSM to sign "
                "and follow up; assign a CSM to the account. Nothing was sent to it.", account)
            return
        if playbook.task_text and not episode.task_created:
            Session.add(CsmTask(account_id=account.id, playbook_id=playbook.id, episode_id=episode.id,
                                csm_id=account.csm_id, text=playbook.task_text, created_at=self.now))
            episode.task_created = True
            self.line(playbook, account, account.csm.email, "CSM task")
            self.report.tasks += 1
        if not playbook.email_subject:
            return
        reachable = [u for u in due if u.id not in self.unsubscribed]
        for user in due:
            if user.id in self.unsubscribed:
                self.line(playbook, account, user.email, "skipped: unsubscribed from playbook mail")
        if not reachable:
            return
        if self.budgets.get(account.id, 0) <= 0:
            for user in reachable:
                self.line(playbook, account, user.email, "skipped: the account is at its contact cap; retried later")
            return
        self.budgets[account.id] -= 1
        record_contact(account.id, None, MAIL_KIND, ts=self.now)
        for user in reachable:
            subject = self.mail(playbook, account, user, active_users, health_score)
            Session.add(PlaybookSend(playbook_id=playbook.id, episode_id=episode.id, account_id=account.id,
                                     user_id=user.id, sent_at=self.now, held_out=False))
            self.line(playbook, account, user.email, f"e-mail: {subject}")
            self.report.mails += 1

    def mail(self, playbook, account, user, active_users, health_score) -> str:
        base_url = current_app.config["PORTAL_BASE_URL"]
        values = {
            "first_name": (user.name or "").split()[0] if (user.name or "").split() else "there",
            "account_name": account.name, "active_users_28d": active_users, "seats": account.seats,
            "health_score": health_score if health_score is not None else "not yet scored",
            "csm_name": account.csm.name or account.csm.email, "base_url": base_url,
        }
        subject = fill(playbook.email_subject, values)
        headers = {**unsolicited_headers(base_url, current_app.config["SECRET_KEY"], user.id, MAIL_KIND),
                   **signed_headers(account.csm.email)}
        queue_mail(
            user.email, subject, "playbook", account_id=account.id, kind=MAIL_KIND, headers=headers,
            body_html=Markup(render_body(fill(playbook.email_body, values, escape_markdown=True))),
            body_text=fill(playbook.email_body, values), csm=account.csm,
            unsubscribe_url=f"{base_url}/playbooks/unsubscribe/{unsubscribe_token(user.id)}",
        )
        return subject


def run_playbooks(dry_run: bool = False, now: datetime | None = None, playbook_ids: list[int] | None = None) -> RunReport:
    """Evaluate active playbooks and queue what is due (flushes; the caller commits, or rolls back a dry run)."""
    report = RunReport(dry_run=dry_run)
    query = select(Playbook).where(Playbook.is_active.is_(True)).order_by(Playbook.id)
    if playbook_ids is not None:
        query = select(Playbook).where(Playbook.id.in_(playbook_ids)).order_by(Playbook.id)
    run = _Run(report, now or utcnow())
    for playbook in Session.scalars(query).all():
        run.playbook(playbook)
    Session.flush()
    return report
