"""Single sign-on pages: the staff provider, the OpenID Connect callback, SAML metadata and assertion consumer,
and the admin page of an account's connection."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models.accounts import Account
from models.db import Session
from models.sso import SsoConnection
from portal.access import admin_required
from portal.audit.web import audit
from portal.auth.forms import EmptyForm
from portal.auth.sso import saml
from portal.auth.sso.connections import domains_of, remove_connection, save_connection
from portal.auth.sso.forms import ConnectionForm
from portal.auth.sso.oidc import ProviderError, exchange_code, role_from_claims
from portal.auth.sso.one_time import AlreadyUsed, use_once
from portal.auth.sso.people import SignInRefused, user_for_identity
from portal.auth.sso.start import (
    PENDING_KEY,
    SIGN_OUT_KEY,
    account_provider,
    begin_oidc,
    oidc_callback_url,
    refused,
    staff_provider,
)
from portal.extensions import csrf, limiter
from portal.navigation import landing_url
from portal.security import start_session
from portal.services import ServiceError

bp = Blueprint("sso", __name__)

SIGN_IN_LIMIT = "60 per minute"  # per client address, like the password form's
NOT_OURS = ("This sign-in answer does not belong to a sign-in started in this browser, or it was already used. "
            "Start again from the sign-in page.")


@bp.get("/login/sso")
def staff_start():
    """"Sign in with single sign-on": send staff to the vendor's provider (OIDC_ISSUER)."""
    provider = staff_provider()
    if provider is None:
        abort(404)
    return begin_oidc(provider, None)


def _pending_for(state: str | None) -> dict | None:
    pendings = dict(session.get(PENDING_KEY) or {})
    pending = pendings.pop(state, None) if state else None
    session[PENDING_KEY] = pendings  # a state is good for one answer only
    return pending


OIDC = "single sign-on (OpenID Connect)"
SAML = "single sign-on (SAML)"


def _refuse(message: str, status: int, how: str, account: Account | None = None):
    """Refuse a sign-in: nothing of it is kept but one audit entry saying who was refused and why."""
    Session.rollback()
    audit("signin.failure", account=account, actor_email="", detail=f"{how}: {message}")
    Session.commit()
    return refused(message, status)


def _signed_in(user, how: str) -> None:
    """Audit a sign-in through a provider, in the transaction that creates or updates the person."""
    audit("signin.success", actor=user, account=user.account, detail=how)


@bp.get("/sso/oidc/callback")
@limiter.limit(SIGN_IN_LIMIT)
def oidc_callback():
    """The provider's answer: check state, trade the code, check the ID token, find or create the person."""
    pending = _pending_for(request.args.get("state"))
    if pending is None:
        return _refuse(NOT_OURS, 400, OIDC)
    if request.args.get("error") or not request.args.get("code"):
        return _refuse("Your provider did not sign you in. Start again from the sign-in page.", 400, OIDC)
    account = None
    if pending.get("account"):
        account = Session.scalar(select(Account).where(Account.external_id == pending["account"]))
        connection = Session.get(SsoConnection, account.id) if account is not None else None
        if connection is None or connection.protocol != "oidc" or connection.issuer != pending["issuer"]:
            return _refuse("This account's single sign-on settings changed during your sign-in. Start again.", 400,
                           OIDC, account)
        provider = account_provider(connection)
    else:
        provider = staff_provider()
        if provider is None or provider.issuer != pending["issuer"]:
            return _refuse("Single sign-on for staff is not configured. Sign in with your password.", 400, OIDC)
    try:
        claims, id_token = exchange_code(provider, pending, request.args["code"], oidc_callback_url())
    except ProviderError as error:
        return _refuse(error.message, 400, OIDC, account)
    config = current_app.config
    role = "customer" if account is not None else role_from_claims(
        claims, config["OIDC_ROLE_CLAIM"], config["OIDC_ADMIN_VALUE"], config["OIDC_CSM_VALUE"])
    if role is None:
        return _refuse("Your provider gives you no role in the portal. Ask your administrator to add you to the "
                       "portal's admin or CSM group.", 403, OIDC)
    try:
        email = "" if claims.get("email_verified") is False else str(claims.get("email") or "")
        user = user_for_identity(provider.issuer, str(claims["sub"]), email, str(claims.get("name") or ""),
                                 account, role)
    except SignInRefused as error:
        return _refuse(error.message, error.status, OIDC, account)
    _signed_in(user, OIDC)
    Session.commit()
    start_session(user, remember=False)
    session[SIGN_OUT_KEY] = {"endpoint": pending.get("end_session_endpoint"), "id_token": id_token,
                             "client_id": provider.client_id}
    return redirect(landing_url(user))


def _saml_account(ext: str) -> tuple[Account, SsoConnection]:
    account = Session.scalar(select(Account).where(Account.external_id == ext))
    connection = Session.get(SsoConnection, account.id) if account is not None else None
    if connection is None or connection.protocol != "saml":
        abort(404)
    return account, connection


@bp.get("/sso/saml/<ext>/metadata")
def saml_metadata(ext: str):
    """The service provider metadata of an account's SAML connection, for its identity provider."""
    _saml_account(ext)
    return Response(saml.sp_metadata(ext), mimetype="application/samlmetadata+xml")


@bp.post("/sso/saml/<ext>/acs")
@limiter.limit(SIGN_IN_LIMIT)
@csrf.exempt  # the identity provider posts here; the signed answer to our own request id stands in for the token
def saml_acs(ext: str):
    """The identity provider's answer: a signed assertion for this portal, used once, signs the person in."""
    account, connection = _saml_account(ext)
    try:
        person = saml.consume(connection, account, request.form.get("SAMLResponse", ""))
        use_once(account.id, "saml", person.assertion_id, person.expires_at)
        user = user_for_identity(person.issuer, person.subject, person.email, person.name, account, "customer")
    except (saml.SamlRefused, SignInRefused) as error:
        return _refuse(error.message, getattr(error, "status", 400), SAML, account)
    except (AlreadyUsed, IntegrityError):  # IntegrityError: the same assertion posted twice at once
        return _refuse("This answer from your identity provider was already used. Start again.", 400, SAML, account)
    _signed_in(user, SAML)
    Session.commit()
    start_session(user, remember=False)
    return redirect(landing_url(user))


def _account_or_404(ext: str) -> Account:
    account = Session.scalar(select(Account).where(Account.external_id == ext))
    if account is None:
        abort(404, "No such account.")
    return account


@bp.route("/admin/accounts/<ext>/sso", methods=["GET", "POST"])
@admin_required
def connection(ext: str):
    """An admin sets up (or changes) an account's single sign-on; SAML metadata is exchanged here."""
    account = _account_or_404(ext)
    current = Session.get(SsoConnection, account.id)
    form = ConnectionForm(obj=current) if request.method == "GET" else ConnectionForm()
    if request.method == "GET" and current is not None:
        form.domains.data = "\n".join(domains_of(account))
        form.client_secret.data = ""
    if form.validate_on_submit():
        try:
            if form.protocol.data == "saml":
                saml.check_idp_metadata(ext, form.idp_metadata_xml.data or "")
            save_connection(account, protocol=form.protocol.data, domains_text=form.domains.data or "",
                            sso_required=form.sso_required.data, issuer=form.issuer.data or "",
                            client_id=form.client_id.data or "", client_secret=form.client_secret.data or "",
                            idp_metadata_xml=form.idp_metadata_xml.data or "")
        except ServiceError as error:
            Session.rollback()
            getattr(form, error.field or "domains").errors = [str(error)]
        except saml.SamlRefused as error:
            form.idp_metadata_xml.errors = [error.message]
        else:
            Session.commit()
            flash(f"Single sign-on for {account.name} is saved.", "success")
            return redirect(url_for("sso.connection", ext=ext))
    entity_id, acs_url = saml.sp_urls(ext)
    return render_template("sso/connection.html", account=account, form=form, current=current,
                           remove_form=EmptyForm(), entity_id=entity_id, acs_url=acs_url,
                           callback_url=oidc_callback_url()), (422 if form.errors else 200)


@bp.post("/admin/accounts/<ext>/sso/remove")
@admin_required
def connection_remove(ext: str):
    """Remove an account's connection: its people sign in with passwords again."""
    account = _account_or_404(ext)
    if EmptyForm().validate_on_submit():
        remove_connection(account)
        Session.commit()
        flash(f"Single sign-on for {account.name} is removed.", "info")
    return redirect(url_for("sso.connection", ext=ext))


@bp.get("/admin/accounts/<ext>/sso/metadata.xml")
@admin_required
def connection_metadata(ext: str):
    """The portal's SAML metadata for this account, to load into its identity provider before connecting."""
    account = _account_or_404(ext)
    return Response(saml.sp_metadata(account.external_id), mimetype="application/samlmetadata+xml",
                    headers={"Content-Disposition": f'attachment; filename="portal-saml-{account.external_id}.xml"'})
