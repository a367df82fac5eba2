"""Admin pages of the Segment source: map event names to key features, watch messages arrive."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from wtforms import SelectChoice

from analytics.segment import debugger
from models.db import Session
from portal.access import admin_required
from portal.auth.forms import EmptyForm
from portal.segment.forms import MappingForm

bp = Blueprint("segment_admin", __name__, url_prefix="/admin/segment")
REFRESH_SECONDS = 5


@bp.route("/", methods=["GET", "POST"])
@admin_required
def index():
    """Mappings of track events to key features, and how to point Segment or RudderStack at the portal."""
    form = MappingForm()
    form.feature.choices = [SelectChoice(kf.feature, f"{kf.name} ({kf.feature})") for kf in debugger.key_features()]
    if form.validate_on_submit():
        try:
            debugger.set_mapping(form.event_name.data, form.feature.data)
        except debugger.MappingRefused as exc:
            Session.rollback()
            form.event_name.errors = list(form.event_name.errors) + [str(exc)]
        else:
            Session.commit()
            flash(f"'{form.event_name.data.strip()}' now counts as {form.feature.data}.", "success")
            return redirect(url_for("segment_admin.index"))
    return render_template("segment/index.html", form=form, mappings=debugger.mapping_rows(),
                           parked=debugger.parked_count(), button_form=EmptyForm(),
                           source_url=current_app.config["PORTAL_BASE_URL"].rstrip("/") + "/api/segment")


@bp.post("/mappings/<path:event_name>/remove")
@admin_required
def remove(event_name: str):
    """Forget a mapping: the event counts as its snake-case name again."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not debugger.remove_mapping(event_name):
        abort(404, "No such mapping.")
    Session.commit()
    flash(f"'{event_name}' counts as {debugger.default_feature(event_name)} again.", "success")
    return redirect(url_for("segment_admin.index"))


@bp.get("/debugger")
@admin_required
def live():
    """The last 100 messages: how each was mapped, and why a parked one waits (the page refreshes itself)."""
    return render_template("segment/debugger.html", rows=debugger.recent(), parked=debugger.parked_count(),
                           refresh_seconds=REFRESH_SECONDS)
