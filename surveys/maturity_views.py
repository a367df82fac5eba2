"""Pages of assessment (being built)."""
from flask import Blueprint

bp = Blueprint("assessment", __name__)
