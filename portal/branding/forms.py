"""The admin form of the vendor's brand."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField
from wtforms.validators import Length


class BrandForm(FlaskForm):
    """Name, currency, accent colour, support address and logo; checked by core.branding."""

    name = StringField("Vendor name", validators=[Length(max=300)])
    currency = StringField("Currency (ISO 4217 code)", validators=[Length(max=10)])
    color = StringField("Accent colour (#RRGGBB)", validators=[Length(max=20)])
    support_email = StringField("Support address", validators=[Length(max=254)])
    logo = FileField("Logo (PNG or SVG, at most 1 MB)")
    remove_logo = BooleanField("Remove the logo")
