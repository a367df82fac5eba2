"""Admin page of the webhooks: add an endpoint (secret shown once), rotate, disable, the delivery log, send again."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for

from core.webhooks.endpoints import EndpointRefused, add_endpoint, all_endpoints, rotate_secret, set_enabled
from core.webhooks.outbox import message_by_id, recent_messages, send_again
from models.db import Session
from models.webhooks import WebhookEndpoint
from portal.access import admin_required
from portal.auth.forms import EmptyForm
from portal.webhooks import services  # noqa: F401 - registers the flush-after-commit hook
from portal.webhooks.forms import EndpointForm

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")


def _endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    endpoint = Session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        abort(404, "No such endpoint.")
    return endpoint


def _page(form: EndpointForm, new_secret: str | None = None, secret_for: WebhookEndpoint | None = None):
    return render_template("webhooks/index.html", form=form, endpoints=all_endpoints(), log=recent_messages(),
                           new_secret=new_secret, secret_for=secret_for, button_form=EmptyForm())


@bp.route("/", methods=["GET", "POST"])
@admin_required
def index():
    """Endpoints and the delivery log; a POST registers an endpoint and shows its secret once."""
    form = EndpointForm()
    if form.validate_on_submit():
        try:
            endpoint = add_endpoint(form.url.data, form.events.data, current_app.config["PORTAL_BASE_URL"])
        except EndpointRefused as exc:
            Session.rollback()
            form.url.errors = list(form.url.errors) + [str(exc)]
        else:
            Session.commit()
            return _page(EndpointForm(formdata=None), endpoint.secret, endpoint)
    return _page(form)


@bp.post("/<int:endpoint_id>/rotate")
@admin_required
def rotate(endpoint_id: int):
    """Give the endpoint a new secret, shown once; the old one stops working for new deliveries."""
    endpoint = _endpoint_or_404(endpoint_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    secret = rotate_secret(endpoint)
    Session.commit()
    return _page(EndpointForm(formdata=None), secret, endpoint)


@bp.post("/<int:endpoint_id>/disable")
@admin_required
def disable(endpoint_id: int):
    """Stop sending to the endpoint."""
    endpoint = _endpoint_or_404(endpoint_id)
    if EmptyForm().validate_on_submit():
        set_enabled(endpoint, False, "Disabled by an admin.")
        Session.commit()
        flash(f"{endpoint.url} gets no more messages until it is enabled again.", "success")
    return redirect(url_for("webhooks.index"))


@bp.post("/<int:endpoint_id>/enable")
@admin_required
def enable(endpoint_id: int):
    """Send to the endpoint again, including what failed while it was off."""
    endpoint = _endpoint_or_404(endpoint_id)
    if EmptyForm().validate_on_submit():
        set_enabled(endpoint, True)
        Session.commit()
        flash(f"{endpoint.url} is enabled; the messages it missed are sent at the next delivery.", "success")
    return redirect(url_for("webhooks.index"))


@bp.post("/messages/<webhook_id>/resend")
@admin_required
def resend(webhook_id: str):
    """Queue one message again, with the same webhook-id and body."""
    message = message_by_id(webhook_id[:64])
    if message is None:
        abort(404, "No such message.")
    if EmptyForm().validate_on_submit():
        send_again(message)
        Session.commit()
        flash(f"Message {message.webhook_id} is queued; it is sent at the next delivery.", "success")
    return redirect(url_for("webhooks.index"))
