"""Pages of surveys (being built)."""
from flask import Blueprint

bp = Blueprint("surveys", __name__)
