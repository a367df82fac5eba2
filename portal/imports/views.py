"""Admin page: upload a Delighted, Qualtrics or Zendesk export; all or nothing, one line per bad row."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from core.import_errors import ImportRejected
from models.db import Session
from portal.access import admin_required
from portal.imports.services import KINDS, NPS_KINDS, run_import
from portal.services import ServiceError

bp = Blueprint("imports", __name__, url_prefix="/admin/imports")
MAX_UPLOAD_BYTES = 15 * 1024 * 1024  # under the app's 16 MB request limit


class ImportForm(FlaskForm):
    """Which export, the file, and for NPS answers the account (plus Qualtrics columns when not detected)."""

    kind = SelectField("What the file holds", choices=[SelectChoice(key, label) for key, label in KINDS.items()],
                       invalid_choice_message="Choose what the file holds from the list.")
    file = FileField("Export file", validators=[FileRequired("Choose the export file."),
                                                FileSize(MAX_UPLOAD_BYTES, message="The file must be at most 15 MB.")])
    account = StringField("Account external id (NPS answers)", validators=[Optional(), Length(max=100)])
    score_column = StringField("Qualtrics score column (optional)", validators=[Optional(), Length(max=100)])
    comment_column = StringField("Qualtrics comment column (optional)", validators=[Optional(), Length(max=100)])

    def validate(self, extra_validators=None) -> bool:
        """NPS answers need the account they belong to."""
        if not super().validate(extra_validators):
            return False
        if self.kind.data in NPS_KINDS and not (self.account.data or "").strip():
            self.account.errors.append("NPS answers belong to an account: enter its external id, like ACME-001.")
            return False
        return True


@bp.route("/", methods=["GET", "POST"])
@admin_required
def upload():
    """Show the form; on a valid upload import the file and say what changed."""
    form = ImportForm()
    problems: list[str] = []
    status = 200
    if form.validate_on_submit():
        try:
            message = run_import(form.kind.data, form.file.data.read(), form.account.data, current_user,
                                 form.score_column.data, form.comment_column.data)
            Session.commit()
            flash(message, "success")
            return redirect(url_for("imports.upload"))
        except ImportRejected as exc:
            Session.rollback()
            problems = exc.lines()
        except ServiceError as exc:
            Session.rollback()
            problems = [str(exc)]
        status = 422
    elif form.is_submitted():
        status = 422
    return render_template("imports/upload.html", form=form, problems=problems, kinds=KINDS), status
