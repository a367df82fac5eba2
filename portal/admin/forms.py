"""Admin forms; the values are validated again by portal.services, which the CLI shares."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


def _date_message(what: str) -> str:
    return f"Enter {what} as a date, e.g. 2027-01-31, or pick it from the calendar."


class AccountForm(FlaskForm):
    """A customer account; the values are checked all at once by portal.services (no round trip per error)."""

    name = StringField("Name", render_kw={"maxlength": 200})
    external_id = StringField("External id", render_kw={"maxlength": 100},
                              description="The vendor's own key for the account, used in links and the API.")
    arr = StringField("ARR (per year)", render_kw={"inputmode": "decimal", "maxlength": 20})
    seats = StringField("Licensed seats", render_kw={"inputmode": "numeric", "maxlength": 10},
                        description="At least 1: seat utilisation is measured against them.")
    csm = SelectField("CSM", choices=[], validate_choice=True,
                      invalid_choice_message="Choose a CSM from the list, or No CSM.")
    renewal = DateField("Renewal date", validators=[Optional()], format="%Y-%m-%d",
                        invalid_value_message=_date_message("the renewal date"))
    since = DateField("Customer since", validators=[Optional()], format="%Y-%m-%d",
                      invalid_value_message=_date_message("the customer-since date"),
                      description="Usage before this day is refused. Empty: today.")


class AccountEditForm(AccountForm):
    """A customer account, with its status; its ARR changes through ArrChangeForm, with an effective date."""

    arr = None

    status = SelectField("Status", choices=[SelectChoice("active", "Active"), SelectChoice("churned", "Churned")],
                         invalid_choice_message="Choose the status: active or churned.")
    churned_on = DateField("Churned on", validators=[Optional()], format="%Y-%m-%d",
                           invalid_value_message=_date_message("the day the account churned"),
                           description="Needed when the status is churned.")


class UserForm(FlaskForm):
    """A person who signs in."""

    email = EmailField("E-mail", validators=[DataRequired("Enter the person's e-mail address, e.g. sam@example.com."),
                                             Length(max=254, message="Shorten the e-mail address to 254 characters.")])
    name = StringField("Name", validators=[Optional(), Length(max=200, message="Shorten the name to 200 characters.")])
    role = SelectField("Role", choices=[SelectChoice("customer", "Customer"), SelectChoice("csm", "CSM"), SelectChoice("admin", "Admin")],
                       invalid_choice_message="Choose the role: customer, CSM or admin.")
    account = SelectField("Account (customers only)", choices=[], validate_choice=True,
                          invalid_choice_message="Choose the customer's account from the list.")


class UserCreateForm(UserForm):
    """A new user: with a password, or with a link to set one."""

    password = PasswordField("Password", validators=[Optional(), Length(max=256, message="Use a password of at most 256 characters.")],
                             description="Leave empty to send a link to set a password instead.",
                             render_kw={"autocomplete": "new-password"})


class UserEditForm(UserForm):
    """An existing user."""

    is_active = BooleanField("Active (may sign in and use API tokens)")


class TokenForm(FlaskForm):
    """A new API token."""

    name = StringField("Label", validators=[Optional(), Length(max=100, message="Shorten the label to 100 characters.")],
                       description="To recognise the token later, e.g. the system that uses it.")


class ArrChangeForm(FlaskForm):
    """A change of an account's ARR from a day on."""

    arr = StringField("New ARR (per year)", validators=[DataRequired("Enter the new ARR, the yearly amount, e.g. 120000."), Length(max=20)],
                      render_kw={"inputmode": "decimal"})
    effective = DateField("Effective from", validators=[DataRequired("Enter the day the new ARR takes effect.")], format="%Y-%m-%d",
                          invalid_value_message="Enter the day the new ARR takes effect as a date, e.g. 2026-04-01.",
                          description="The first day of the new ARR; a second change on the same day replaces the first.")
