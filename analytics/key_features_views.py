"""Pages of key features (being built)."""
from flask import Blueprint

bp = Blueprint("key_features", __name__, url_prefix="/admin/key-features")
