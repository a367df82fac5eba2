"""Pages of kb (being built)."""
from flask import Blueprint

bp = Blueprint("kb", __name__, url_prefix="/kb")
