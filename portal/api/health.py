"""API routes for health (being built)."""
from portal.api.core import api_blueprint

bp = api_blueprint("api_health", __name__)

# OpenAPI path items contributed to /api/v1/openapi.json.
OPENAPI_PATHS: dict = {}
