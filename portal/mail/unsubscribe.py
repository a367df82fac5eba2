"""The one-click unsubscribe address of mail a person did not ask for (RFC 8058).

A mail client POSTs `List-Unsubscribe=One-Click` to it with no cookie and no form, so this one
route is exempt from CSRF: the signed token in the address is what authenticates the request,
and all it can do is stop mail to the person it names. A person who opens the address in a
browser gets a page with a button that makes the same POST.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy.exc import IntegrityError

from core.unsubscribe import read_token, unsubscribe
from models.accounts import User
from models.db import Session
from portal.extensions import csrf

bp = Blueprint("mail", __name__)
KIND_NAMES = {"surveys": "survey invitations and reminders", "playbook": "tips and check-ins from your customer success team"}


def _person(token: str) -> tuple[User, str]:
    found = read_token(current_app.config["SECRET_KEY"], token)
    person = Session.get(User, found[0]) if found else None
    if person is None:
        abort(404, "This unsubscribe address is not valid.")
    return person, found[1]


@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def one_click(token: str):
    """GET: a page with the button; POST: unsubscribe at once (idempotent), no sign-in needed."""
    person, kind = _person(token)
    if request.method == "POST":
        try:
            unsubscribe(person.id, kind)
            Session.commit()
        except IntegrityError:  # a second click racing the first: the opt-out is stored either way
            Session.rollback()
        return render_template("mail/unsubscribe.html", done=True, email=person.email, what=KIND_NAMES[kind])
    return render_template("mail/unsubscribe.html", done=False, email=person.email, what=KIND_NAMES[kind])
