"""The OpenAPI description of the API, assembled from each resource module's paths."""
from __future__ import annotations

from flask import jsonify

from portal.api.core import api_blueprint

bp = api_blueprint("api_meta", __name__)

# Modules that contribute OPENAPI_PATHS, in the order they are listed.
RESOURCE_MODULES = ("portal.api.events", "portal.api.usage", "portal.api.surveys", "portal.api.kb", "portal.api.health")

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"index": {"type": "integer"}, "field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
    "required": ["error"],
}


def build_openapi() -> dict:
    """The OpenAPI 3 document."""
    paths: dict = {
        "/api/v1/openapi.json": {
            "get": {
                "summary": "This document",
                "security": [],
                "responses": {"200": {"description": "OpenAPI 3 description", "content": {"application/json": {}}}},
            }
        }
    }
    for name in RESOURCE_MODULES:
        module = __import__(name, fromlist=["OPENAPI_PATHS"])
        paths.update(getattr(module, "OPENAPI_PATHS", {}))
    return {
        "openapi": "3.0.3",
        "info": {"title": "Customer Success Portal API", "version": "1"},
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR_SCHEMA},
        },
        "security": [{"bearer": []}],
        "paths": paths,
    }


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI document (no token needed)."""
    return jsonify(build_openapi())
