"""The brand: the admin page that sets it, the logo it serves, and its template hooks."""
from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for

from core.branding import BrandError, check_color, check_currency, check_name, check_support_email, set_brand
from core.brand_logo import LogoError, check_logo
from models.db import Session
from portal.access import admin_required
from portal.branding.forms import BrandForm
from portal.branding.jinja import brand_context, current_brand, forget_brand, money

bp = Blueprint("branding", __name__)
bp.app_context_processor(brand_context)
bp.add_app_template_filter(money, "money")
LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def _errors(form: BrandForm) -> dict[str, str]:
    """Every refused field with its sentence, so the form reports them all at once."""
    checks = {"name": check_name, "currency": check_currency, "color": check_color,
              "support_email": check_support_email}
    errors = {}
    for name, check in checks.items():
        try:
            check(getattr(form, name).data or "")
        except BrandError as exc:
            errors[name] = str(exc)
    upload = form.logo.data
    if upload and getattr(upload, "filename", ""):
        try:
            check_logo(upload.filename, upload.read())
        except LogoError as exc:
            errors["logo"] = str(exc)
        upload.stream.seek(0)
    return errors


@bp.route("/admin/branding", methods=["GET", "POST"])
@admin_required
def edit():
    """The vendor's brand: shown, and changed as a whole or not at all."""
    brand = current_brand()
    form = BrandForm(data={"name": brand.name, "currency": brand.currency, "color": brand.color,
                           "support_email": brand.support_email})
    status = 200
    if form.validate_on_submit():
        errors = _errors(form)
        for name, message in errors.items():
            getattr(form, name).errors = [message]
        if not errors:
            upload = form.logo.data
            logo = (upload.filename, upload.read()) if upload and getattr(upload, "filename", "") else None
            set_brand(name=form.name.data, currency=form.currency.data, color=form.color.data,
                      support_email=form.support_email.data, logo=logo, remove_logo=form.remove_logo.data)
            Session.commit()
            forget_brand()
            flash("The brand is saved; every page and mail uses it from now on.", "success")
            return redirect(url_for("branding.edit"))
        status = 422
    elif form.errors:
        status = 422
    return render_template("branding/edit.html", form=form, section="branding"), status


@bp.get("/branding/logo")
def logo():
    """The vendor's logo, served by the portal as an image no browser sniffs or scripts."""
    brand = current_brand()
    if not brand.logo_b64:
        abort(404, "No logo has been set.")
    response = make_response(brand.logo)
    response.headers["Content-Type"] = brand.logo_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = LOGO_CSP
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
