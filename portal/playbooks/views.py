"""Pages of segments and playbooks (being built)."""
from flask import Blueprint

bp = Blueprint("playbooks", __name__, url_prefix="/playbooks")
