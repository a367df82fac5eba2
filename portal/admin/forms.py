"""Admin forms; the values are validated again by portal.services, which the CLI shares."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


class AccountForm(FlaskForm):
    """A customer account."""

    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    external_id = StringField("External id", validators=[DataRequired(), Length(max=100)],
                              description="The vendor's own key for the account, used in links and the API.")
    arr = StringField("ARR (per year)", validators=[DataRequired(), Length(max=20)], render_kw={"inputmode": "decimal"})
    seats = StringField("Licensed seats", validators=[DataRequired(), Length(max=10)], render_kw={"inputmode": "numeric"})
    csm = SelectField("CSM", choices=[], validate_choice=True)
    renewal = DateField("Renewal date", validators=[Optional()], format="%Y-%m-%d")
    since = DateField("Customer since", validators=[Optional()], format="%Y-%m-%d",
                      description="Usage before this day is refused. Empty: today.")


class AccountEditForm(AccountForm):
    """A customer account, with its status; its ARR changes through ArrChangeForm, with an effective date."""

    arr = None

    status = SelectField("Status", choices=[SelectChoice("active", "Active"), SelectChoice("churned", "Churned")])
    churned_on = DateField("Churned on", validators=[Optional()], format="%Y-%m-%d",
                           description="Needed when the status is churned.")


class UserForm(FlaskForm):
    """A person who signs in."""

    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=[SelectChoice("customer", "Customer"), SelectChoice("csm", "CSM"), SelectChoice("admin", "Admin")])
    account = SelectField("Account (customers only)", choices=[], validate_choice=True)


class UserCreateForm(UserForm):
    """A new user: with a password, or with a link to set one."""

    password = PasswordField("Password", validators=[Optional(), Length(max=256)],
                             description="Leave empty to send a link to set a password instead.",
                             render_kw={"autocomplete": "new-password"})


class UserEditForm(UserForm):
    """An existing user."""

    is_active = BooleanField("Active (may sign in and use API tokens)")


class TokenForm(FlaskForm):
    """A new API token."""

    name = StringField("Label", validators=[Optional(), Length(max=100)],
                       description="To recognise the token later, e.g. the system that uses it.")


class ArrChangeForm(FlaskForm):
    """A change of an account's ARR from a day on."""

    arr = StringField("New ARR (per year)", validators=[DataRequired(), Length(max=20)],
                      render_kw={"inputmode": "decimal"})
    effective = DateField("Effective from", validators=[DataRequired()], format="%Y-%m-%d",
                          description="The first day of the new ARR; a second change on the same day replaces the first.")
