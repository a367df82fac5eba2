"""Pages of share (being built)."""
from flask import Blueprint

bp = Blueprint("share", __name__)
