"""The OpenAPI description of the API, assembled from each resource module's paths."""
from __future__ import annotations

from flask import jsonify

from portal.api import events, forecast, health, kb, revenue, segment, surveys, usage
from portal.api.core import api_blueprint

bp = api_blueprint("api_meta", __name__)

# Modules that contribute OPENAPI_PATHS, in the order they are listed.
RESOURCE_MODULES = (events, usage, surveys, kb, health, revenue, forecast, segment)

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


def _retry_later(description: str) -> dict:
    return {"description": description,
            "headers": {"Retry-After": {"description": "Seconds to wait before sending again",
                                        "schema": {"type": "integer"}}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


# Answers any operation may give, whatever it does: over the token's quota, or the database away.
COMMON_RESPONSES = {
    "429": _retry_later("Too many requests with this token; retry after Retry-After seconds"),
    "503": _retry_later("The database is unavailable for a moment; retry after Retry-After seconds"),
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
    for module in RESOURCE_MODULES:
        paths.update(module.OPENAPI_PATHS)
    paths = {path: {method: {**operation, "responses": {**operation["responses"], **COMMON_RESPONSES}}
                    for method, operation in operations.items()} for path, operations in paths.items()}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Customer Success Portal API", "version": "1"},
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "segmentWriteKey": {"type": "http", "scheme": "basic"}},
            "schemas": {"Error": ERROR_SCHEMA},
        },
        "security": [{"bearer": []}],
        "paths": paths,
    }


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI document (no token needed)."""
    return jsonify(build_openapi())
