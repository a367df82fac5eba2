"""API routes for kb (being built)."""
from portal.api.core import api_blueprint

bp = api_blueprint("api_kb", __name__)

# OpenAPI path items contributed to /api/v1/openapi.json.
OPENAPI_PATHS: dict = {}
