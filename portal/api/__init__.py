"""The JSON API, version 1: one module per resource, sharing api.core."""
