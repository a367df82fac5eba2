"""Sign-in and password forms."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from core.passwords import MAX_LENGTH, password_problem


def meets_policy(_form, field) -> None:
    """WTForms validator: the password policy (length, not a common password)."""
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField("E-mail", validators=[DataRequired("Enter your e-mail address."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=MAX_LENGTH)])
    remember = BooleanField("Keep me signed in on this device (up to 14 days)")


class ForgotPasswordForm(FlaskForm):
    """The e-mail address to send a reset link to."""

    email = EmailField("E-mail", validators=[DataRequired("Enter your e-mail address."), Length(max=254)])


class NewPasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(
        "New password", validators=[DataRequired("Choose a new password."), meets_policy], render_kw={"autocomplete": "new-password"}
    )
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired("Type the new password again."), EqualTo("password", message="The two passwords differ; type the same one twice.")],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(NewPasswordForm):
    """The current password, then a new one typed twice."""

    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for POST-only buttons."""
