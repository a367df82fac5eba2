"""`accounts create`, `users create`, `tokens create`."""
from __future__ import annotations

import functools

import click
from flask.cli import AppGroup

from analytics.revenue import services as revenue
from core.audit import COMMAND_LINE, record
from models.db import Session
from portal import services

accounts_cli = AppGroup("accounts", help="Customer accounts.")
users_cli = AppGroup("users", help="People who sign in.")
tokens_cli = AppGroup("tokens", help="API tokens.")


def one_transaction(command):
    """Run a command in one transaction: commit on success; on bad input roll back and exit 1 with one line."""

    @functools.wraps(command)
    def wrapped(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
            Session.commit()
            return result
        except services.ServiceError as exc:
            Session.rollback()
            raise click.ClickException(str(exc)) from None

    return wrapped


@accounts_cli.command("create")
@click.option("--name", required=True, help="Company name.")
@click.option("--external-id", required=True, help="The vendor's own key for the account.")
@click.option("--arr", required=True, help="Annual recurring revenue.")
@click.option("--seats", required=True, help="Licensed seats.")
@click.option("--csm", "csm_email", help="E-mail of the assigned CSM.")
@click.option("--renewal", help="Renewal date, YYYY-MM-DD.")
@click.option("--since", help="Customer-since date, YYYY-MM-DD (default today).")
@one_transaction
def create_account_command(name, external_id, arr, seats, csm_email, renewal, since):
    """Create an account; prints its external id on the last line."""
    account = services.create_account(
        name=name, external_id=external_id, arr=arr, seats=seats, csm_email=csm_email, renewal=renewal, since=since
    )
    click.echo(f"Created account {account.name}.")
    click.echo(account.external_id)


@accounts_cli.command("arr")
@click.option("--external-id", required=True, help="The account's external id.")
@click.option("--arr", required=True, help="The new annual recurring revenue.")
@click.option("--effective", required=True, help="First day of the new ARR, YYYY-MM-DD.")
@one_transaction
def account_arr_command(external_id, arr, effective):
    """Record a change of the account's ARR from a day on (expansion or contraction); the history is kept."""
    change = revenue.record_arr_change(external_id, arr, effective)
    click.echo(f"ARR of {external_id} is {change.arr:,.2f} from {change.effective_on.isoformat()} on.")


@accounts_cli.command("churn")
@click.option("--external-id", required=True, help="The account's external id.")
@click.option("--date", "day", required=True, help="The day the account churned, YYYY-MM-DD.")
@one_transaction
def account_churn_command(external_id, day):
    """The account churned that day: its ARR is 0 from then on, its status churned."""
    account = revenue.record_churn(external_id, day)
    click.echo(f"{account.external_id} churned on {account.churned_on.isoformat()}.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, help="customer, csm or admin.")
@click.option("--account", "account_external_id", help="External id of the account (customers only).")
@click.option("--name", help="Display name.")
@one_transaction
def create_user_command(email, password, role, account_external_id, name):
    """Create a user who can sign in."""
    user = services.create_user(
        email=email, password=password, role=role, account_external_id=account_external_id, name=name
    )
    record("user.created", account=user.account, target=f"user {user.email}", detail=f"Role {user.role}.",
           user_agent=COMMAND_LINE)
    click.echo(f"Created {user.role} {user.email}.")


@tokens_cli.command("create")
@click.option("--email", required=True, help="Whose rights the token carries.")
@click.option("--name", help="A label to recognise the token by.")
@one_transaction
def create_token_command(email, name):
    """Create an API token; it is printed once, alone on the last line."""
    token = services.create_token(email=email, name=name)
    owner = services.user_by_email(email)
    record("token.created", account=owner.account, target=f"user {owner.email}", detail=f"Token “{name or ''}”.",
           user_agent=COMMAND_LINE)
    click.echo("Store this token now; it cannot be shown again.")
    click.echo(token)
