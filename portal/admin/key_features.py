"""Admin pages of key features: the features the vendor marks as the ones that make customers successful."""
from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from models.db import Session
from models.usage import KeyFeature
from portal.access import admin_required

bp = Blueprint("key_features", __name__, url_prefix="/admin/key-features")

FEATURE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LEVEL_CHOICES = [SelectChoice("", "No maturity level"), *[SelectChoice(str(n), f"Level {n}") for n in range(1, 6)]]


class KeyFeatureForm(FlaskForm):
    """Create or edit a key feature."""

    feature = StringField("Feature key", validators=[
        DataRequired("Enter the feature key exactly as your application sends it in events."),
        Regexp(FEATURE_KEY, message="Use letters, digits and . _ : / - only, starting with a letter or digit.")])
    name = StringField("Name", validators=[DataRequired("Give the feature a name customers recognise."), Length(max=200)])
    description = TextAreaField("Why it matters", validators=[Optional(), Length(max=2000)])
    maturity_level = SelectField("Maturity level it signals", choices=LEVEL_CHOICES, default="",
                                 invalid_choice_message="Choose a maturity level from the list, or none.")
    article_slug = StringField("Help article (slug)", validators=[
        Optional(), Length(max=200),
        Regexp(SLUG, message="Use the article's slug from its address, like getting-started-with-dashboards.")])

    def __init__(self, *args, editing: KeyFeature | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._editing = editing

    def validate_feature(self, field) -> None:
        """Each feature key is marked once."""
        query = select(KeyFeature.id).where(func.lower(KeyFeature.feature) == field.data.strip().lower())
        if self._editing is not None:
            query = query.where(KeyFeature.id != self._editing.id)
        if Session.scalar(query) is not None:
            raise ValidationError("This feature is already a key feature; edit the existing one instead.")

    def apply(self, feature: KeyFeature) -> None:
        """Copy the form's values onto a key feature."""
        feature.feature = self.feature.data.strip()
        feature.name = self.name.data.strip()
        feature.description = (self.description.data or "").strip()
        feature.maturity_level = int(self.maturity_level.data) if self.maturity_level.data else None
        feature.article_slug = (self.article_slug.data or "").strip() or None


@bp.get("/")
@admin_required
def index():
    """Every key feature."""
    features = Session.scalars(select(KeyFeature).order_by(KeyFeature.name)).all()
    return render_template("key_features/index.html", features=features)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def create():
    """Mark a new key feature."""
    form = KeyFeatureForm()
    if form.validate_on_submit():
        feature = KeyFeature()
        form.apply(feature)
        Session.add(feature)
        Session.commit()
        flash(f"“{feature.name}” is now a key feature.", "success")
        return redirect(url_for("key_features.index"))
    return render_template("key_features/form.html", form=form, feature=None)


@bp.route("/<int:feature_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(feature_id: int):
    """Change a key feature."""
    feature = Session.get(KeyFeature, feature_id)
    if feature is None:
        abort(404, "No such key feature.")
    form = KeyFeatureForm(obj=feature, editing=feature)
    if not form.is_submitted():
        form.maturity_level.data = str(feature.maturity_level or "")
    if form.validate_on_submit():
        form.apply(feature)
        Session.commit()
        flash(f"“{feature.name}” was saved.", "success")
        return redirect(url_for("key_features.index"))
    return render_template("key_features/form.html", form=form, feature=feature)
