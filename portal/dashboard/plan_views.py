"""Pages of the success plan (being built)."""
from flask import Blueprint

bp = Blueprint("plan", __name__, url_prefix="/accounts")
