"""NPS campaigns: audiences, schedules, invitations with one-time links, reminders.

Invitation links carry a token = HMAC-SHA256(SECRET_KEY, "survey-invitation:" + salt),
256 bits, URL-safe. The database keeps the salt and the SHA-256 of the token, never the
token: a database dump alone opens no survey, and the one reminder can rebuild the link.

Who is asked: customer users (active) of active accounts in the campaign's audience,
not unsubscribed, not invited within surveys.throttle_days. One campaign run to one
account counts as one contact request against the account's fatigue cap
(surveys.fatigue); an account without budget left is skipped this time.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from base64 import urlsafe_b64encode
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import and_, exists, select

from core.fatigue import budgets_left, record_contact
from core.outbox import is_deliverable, queue_mail
from core.settings import get_setting
from core.tiers import tier_by_account
from core.validation import ServiceError
from core.branding import brand_question, get_brand
from core.mail_headers import unsolicited_headers
from models.accounts import Account, User
from models.db import Session, utcnow
from models.surveys import SurveyCampaign, SurveyCampaignAccount, SurveyInvitation, SurveyOptOut

INVITATION_LIFETIME = timedelta(days=30)
DEFAULT_QUESTION = "How likely are you to recommend {vendor} to a friend or colleague?"  # {vendor}: the brand name
AUDIENCES = ("all", "tier", "accounts")
CONTACT_KIND = "nps_survey"


class CampaignError(ValueError):
    """Campaign input that cannot be accepted; the message is a sentence for the user."""


@dataclass
class SendReport:
    """What one `surveys send` queued and skipped."""

    invited: int = 0
    reminded: int = 0
    throttled: int = 0  # people asked within the throttle window
    unsubscribed: int = 0  # people who opted out
    capped_accounts: list[str] = field(default_factory=list)  # external ids skipped by the fatigue cap

    def summary(self) -> str:
        """One line for people."""
        line = (f"Surveys: {self.invited} invitations and {self.reminded} reminders queued; "
                f"{self.throttled} people skipped (asked within the throttle window), "
                f"{self.unsubscribed} unsubscribed")
        if self.capped_accounts:
            line += f", {len(self.capped_accounts)} accounts at their contact cap ({', '.join(self.capped_accounts[:10])})"
        return line + "."


def token_for(salt: str) -> str:
    """The link token of an invitation with this salt."""
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    digest = hmac.new(key, f"survey-invitation:{salt}".encode(), hashlib.sha256).digest()
    return urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def hash_token(token: str) -> str:
    """Hex SHA-256 of a link token, the lookup key stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_by_token(token: str) -> SurveyInvitation | None:
    """The invitation this link token opens, if any."""
    if not token or len(token) > 100:
        return None
    return Session.scalar(select(SurveyInvitation).where(SurveyInvitation.token_hash == hash_token(token)))


def survey_link(invitation: SurveyInvitation) -> str:
    """Absolute URL of the invitation's answer page."""
    return f"{current_app.config['PORTAL_BASE_URL']}/s/{token_for(invitation.token_salt)}"


def default_campaign() -> SurveyCampaign:
    """The built-in NPS campaign (all accounts, always due; throttling decides who is asked)."""
    campaign = Session.scalar(select(SurveyCampaign).where(SurveyCampaign.is_default.is_(True)))
    if campaign is None:
        campaign = SurveyCampaign(name="NPS survey", question=DEFAULT_QUESTION, audience="all", is_default=True,
                                  next_run_at=utcnow())
        Session.add(campaign)
        Session.flush()
    return campaign


def create_campaign(*, name: str, question: str, audience: str, tier: str | None, account_ids: list[int],
                    every_days: int | None, created_by: User | None, start_at: datetime | None = None) -> SurveyCampaign:
    """Validate and add a campaign (flushes)."""
    name = " ".join((name or "").split())
    if not 1 <= len(name) <= 200:
        raise CampaignError("Give the campaign a name of 1 to 200 characters.")
    question = (question or "").strip() or DEFAULT_QUESTION
    if len(question) > 500:
        raise CampaignError("Keep the question under 500 characters.")
    if audience not in AUDIENCES:
        raise CampaignError("Choose the audience: all accounts, a tier, or chosen accounts.")
    if audience == "tier" and tier not in ("top", "leveraged", "scalable"):
        raise CampaignError("Choose the tier the campaign asks.")
    if audience == "accounts" and not account_ids:
        raise CampaignError("Choose at least one account.")
    if every_days is not None and not 1 <= every_days <= 3650:
        raise CampaignError("Repeat every 1 to 3,650 days, or leave it empty to send once.")
    campaign = SurveyCampaign(name=name, question=question, audience=audience, tier=tier if audience == "tier" else None,
                              every_days=every_days, next_run_at=start_at or utcnow(),
                              created_by_id=created_by.id if created_by else None)
    Session.add(campaign)
    Session.flush()
    if audience == "accounts":
        Session.add_all([SurveyCampaignAccount(campaign_id=campaign.id, account_id=i) for i in sorted(set(account_ids))])
        Session.flush()
    return campaign


def stop_campaign(campaign: SurveyCampaign) -> None:
    """No further invitations from this campaign; invitations already sent keep working (flushes)."""
    if campaign.is_default:
        raise CampaignError("The default campaign cannot be stopped; create a campaign of your own instead.")
    if campaign.next_run_at is None:
        raise CampaignError("This campaign has no run left to stop.")
    campaign.next_run_at = None
    Session.flush()


def resume_campaign(campaign: SurveyCampaign, now: datetime | None = None) -> None:
    """Make a stopped campaign due again (flushes); a one-off that already ran stays done."""
    if campaign.next_run_at is not None:
        raise CampaignError("This campaign is already scheduled.")
    if not campaign.every_days and campaign.last_run_at is not None:
        raise CampaignError("This one-off campaign already ran; create a new campaign to ask again.")
    campaign.next_run_at = now or utcnow()
    Session.flush()


def _audience_account_ids(campaign: SurveyCampaign, only_account: Account | None) -> list[int]:
    query = select(Account.id).where(Account.status == "active").order_by(Account.id)
    if only_account is not None:
        query = query.where(Account.id == only_account.id)
    if campaign.audience == "accounts":
        query = query.where(Account.id.in_(select(SurveyCampaignAccount.account_id)
                                           .where(SurveyCampaignAccount.campaign_id == campaign.id)))
    ids = list(Session.scalars(query))
    if campaign.audience == "tier":
        tiers = tier_by_account()
        ids = [i for i in ids if tiers.get(i) == campaign.tier]
    return ids


def _people(account_ids: list[int], now: datetime) -> list[tuple[User, str]]:
    """(user, why not) for every active customer user of these accounts; why not is '' when they may be asked."""
    if not account_ids:
        return []
    since = now - timedelta(days=int(get_setting("surveys.throttle_days")))
    # The people asked lately, as a derived table grouped by account and joined on it: on Citus `user` is a
    # reference table, and a subquery correlated with it may not read survey_invitation (distributed).
    asked = (select(SurveyInvitation.account_id, SurveyInvitation.user_id)
             .where(SurveyInvitation.account_id.in_(account_ids), SurveyInvitation.sent_at > since)
             .group_by(SurveyInvitation.account_id, SurveyInvitation.user_id).subquery())
    opted_out = exists().where(SurveyOptOut.user_id == User.id)  # both reference tables: correlating is fine
    rows = Session.execute(
        select(User, asked.c.user_id.is_not(None).label("asked"), opted_out.label("opted_out"))
        .outerjoin(asked, and_(asked.c.account_id == User.account_id, asked.c.user_id == User.id))
        .where(User.role == "customer", User.is_active.is_(True), User.account_id.in_(account_ids))
        .order_by(User.account_id, User.id)
    ).all()
    return [
        (row.User, "no e-mail address" if not is_deliverable(row.User.email)
         else "unsubscribed" if row.opted_out else "throttled" if row.asked else "")
        for row in rows
    ]


def invite(campaign: SurveyCampaign, user: User, account: Account, now: datetime | None = None) -> SurveyInvitation:
    """Add an invitation and queue its e-mail (flushes)."""
    now = now or utcnow()
    salt = secrets.token_hex(16)
    token = token_for(salt)
    invitation = SurveyInvitation(campaign_id=campaign.id, account_id=account.id, user_id=user.id, email=user.email,
                                  token_salt=salt, token_hash=hash_token(token), sent_at=now,
                                  expires_at=now + INVITATION_LIFETIME)
    Session.add(invitation)
    Session.flush()
    _queue_invitation_mail(invitation, campaign, account, user, reminder=False)
    return invitation


def _queue_invitation_mail(invitation, campaign, account, user, *, reminder: bool) -> None:
    link = survey_link(invitation)
    subject = (f"Reminder: {account.name}, one question for you" if reminder
               else f"{account.name}: one question, 30 seconds")
    headers = unsolicited_headers(current_app.config["PORTAL_BASE_URL"], current_app.config["SECRET_KEY"],
                                  user.id, "surveys")
    queue_mail(user.email, subject, "nps_invitation", account_id=account.id, headers=headers,
               kind="nps_reminder" if reminder else "nps_invitation",
               name=user.name, account_name=account.name, question=brand_question(campaign.question, get_brand()), link=link,
               unsubscribe_link=f"{link}/unsubscribe", expires_at=invitation.expires_at, reminder=reminder)


def due_campaigns(now: datetime) -> list[SurveyCampaign]:
    """Campaigns due now; the default one when no other campaign is defined."""
    defined = list(Session.scalars(select(SurveyCampaign).where(SurveyCampaign.is_default.is_(False))
                                   .order_by(SurveyCampaign.id)))
    if not defined:
        return [default_campaign()]
    return [c for c in defined if c.next_run_at is not None and _aware(c.next_run_at) <= now]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def send_due(only_account: Account | None = None, now: datetime | None = None) -> SendReport:
    """Queue invitations of every due campaign and the reminders that are due (flushes; the caller commits)."""
    now = now or utcnow()
    report = SendReport()
    invited_now: set[int] = set()
    campaigns = due_campaigns(now)
    if only_account is None:
        # Before any statement on the accounts' answers and contacts: on Citus survey_campaign is a reference
        # table, which a transaction may not modify after a multi-shard statement.
        for campaign in campaigns:
            campaign.last_run_at = now
            if not campaign.is_default:
                campaign.next_run_at = now + timedelta(days=campaign.every_days) if campaign.every_days else None
        Session.flush()
    for campaign in campaigns:
        account_ids = _audience_account_ids(campaign, only_account)
        budget = budgets_left(account_ids, now)
        accounts = {a.id: a for a in Session.scalars(select(Account).where(Account.id.in_(account_ids)))}
        by_account: dict[int, list[User]] = {}
        for user, why_not in _people(account_ids, now):
            if user.id in invited_now or why_not == "throttled":
                report.throttled += why_not == "throttled"
            elif why_not == "unsubscribed":
                report.unsubscribed += 1
            elif why_not:
                continue  # no address to ask them at
            else:
                by_account.setdefault(user.account_id, []).append(user)
        for account_id, people in by_account.items():
            if budget.get(account_id, 0) <= 0:
                report.capped_accounts.append(accounts[account_id].external_id)
                continue
            record_contact(account_id, None, CONTACT_KIND, ts=now)
            for user in people:
                invite(campaign, user, accounts[account_id], now)
                invited_now.add(user.id)
                report.invited += 1
    report.reminded = send_reminders(only_account, now)
    Session.flush()
    return report


def send_reminders(only_account: Account | None = None, now: datetime | None = None) -> int:
    """Queue the one reminder for unanswered invitations older than surveys.reminder_after_days."""
    now = now or utcnow()
    after = timedelta(days=int(get_setting("surveys.reminder_after_days")))
    query = (
        select(SurveyInvitation, SurveyCampaign, Account, User)
        .join(SurveyCampaign, SurveyCampaign.id == SurveyInvitation.campaign_id)
        .join(Account, Account.id == SurveyInvitation.account_id)
        .join(User, User.id == SurveyInvitation.user_id)
        .where(SurveyInvitation.answered_at.is_(None), SurveyInvitation.reminded_at.is_(None),
               SurveyInvitation.sent_at <= now - after, SurveyInvitation.expires_at > now,
               Account.status == "active", User.is_active.is_(True),
               ~exists().where(SurveyOptOut.user_id == SurveyInvitation.user_id))
        .order_by(SurveyInvitation.id)
    )
    if only_account is not None:
        query = query.where(SurveyInvitation.account_id == only_account.id)
    count = 0
    for invitation, campaign, account, user in Session.execute(query).all():
        invitation.reminded_at = now
        _queue_invitation_mail(invitation, campaign, account, user, reminder=True)
        count += 1
    return count


def opt_out(user_id: int) -> bool:
    """Stop survey e-mails to this person; False when they had already opted out."""
    if Session.get(SurveyOptOut, user_id) is not None:
        return False
    Session.add(SurveyOptOut(user_id=user_id))
    Session.flush()
    return True


def surveyed_account(external_id: str | None) -> Account | None:
    """The active account of external_id (None for every account); ServiceError when it cannot be surveyed."""
    if external_id is None:
        return None
    account = Session.scalar(select(Account).where(Account.external_id == external_id.strip()))
    if account is None:
        raise ServiceError(f"No account has the external id {external_id!r}.")
    if account.status != "active":
        raise ServiceError(f"The account {external_id} has churned; surveys go to active accounts only.")
    return account
