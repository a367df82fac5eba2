"""The admin form of an account's single sign-on connection."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length


class ConnectionForm(FlaskForm):
    """Protocol, provider settings and the e-mail domains of an account's connection."""

    protocol = SelectField("Protocol", choices=[SelectChoice("oidc", "OpenID Connect"), SelectChoice("saml", "SAML 2.0")],
                           invalid_choice_message="Choose OpenID Connect or SAML 2.0.")
    domains = TextAreaField("E-mail domains of this account (one per line)", validators=[Length(max=5000)])
    issuer = StringField("Issuer URL (OpenID Connect)", validators=[Length(max=500)])
    client_id = StringField("Client id (OpenID Connect)", validators=[Length(max=255)])
    client_secret = PasswordField("Client secret (OpenID Connect; leave empty to keep the stored one)",
                                  validators=[Length(max=500)])
    idp_metadata_xml = TextAreaField("Identity provider metadata XML (SAML)", validators=[Length(max=200_000)])
    sso_required = BooleanField("Require single sign-on (no password sign-in for this account's people)")
