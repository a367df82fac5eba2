"""The knowledge base's blueprint, shared by the reading and the curation pages."""
from flask import Blueprint

bp = Blueprint("kb", __name__, url_prefix="/kb")
