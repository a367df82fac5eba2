"""Configuration read from the environment (see the README's table)."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


class ConfigError(RuntimeError):
    """The environment does not describe a runnable portal."""


def _flag(name: str, default: str = "false") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: str, production: bool) -> str:
    """SECRET_KEY from the environment; in development generated once into instance/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if production:
        raise ConfigError("SECRET_KEY must be set when PORTAL_ENV=production.")
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _trusted_proxies() -> int:
    """PORTAL_TRUSTED_PROXIES: how many reverse proxies in front set X-Forwarded-For and -Proto (default 0)."""
    value = os.environ.get("PORTAL_TRUSTED_PROXIES", "0").strip() or "0"
    if not value.isdigit():
        raise ConfigError(f"PORTAL_TRUSTED_PROXIES must be a whole number of proxies (e.g. 1), not {value!r}.")
    return int(value)


def _api_rate_limit() -> str:
    """PORTAL_API_RATE_LIMIT: requests one API token may make, e.g. "6000 per minute" (the default)."""
    from limits import parse_many

    value = os.environ.get("PORTAL_API_RATE_LIMIT", "").strip() or "6000 per minute"
    try:
        parse_many(value)
    except ValueError:
        raise ConfigError(f"PORTAL_API_RATE_LIMIT must read like \"6000 per minute\", not {value!r}.") from None
    return value


def load_config(instance_path: str) -> dict:
    """Build the Flask config mapping from the environment."""
    production = os.environ.get("PORTAL_ENV", "development") == "production"
    redis_url = os.environ.get("REDIS_URL") or None
    return {
        "PORTAL_ENV": "production" if production else "development",
        "SECRET_KEY": _secret_key(instance_path, production),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'portal.db'}",
        "PORTAL_BASE_URL": os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "REDIS_URL": redis_url,
        # Behind this many proxies the client address (rate limits, share-link log) comes from X-Forwarded-For.
        "TRUSTED_PROXIES": _trusted_proxies(),
        # flask-mail
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _flag("MAIL_USE_SSL"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "portal@localhost"),
        # Sessions and cookies
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),  # absolute limit of a session
        "SESSION_IDLE_TIMEOUT": timedelta(hours=2),  # idle limit of a session
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead, which has its own limits
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,  # 10,000 events fit well under this
        # Rate limits: memory in one process, Redis across workers
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "API_RATE_LIMIT": _api_rate_limit(),  # per API token (per address for calls without one)
        "JSON_SORT_KEYS": False,
        # Compressed dynamic responses (Flask-Compress); Brotli 5 is close to its best ratio at gzip's speed
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_BR_LEVEL": 5,
        "COMPRESS_LEVEL": 6,
        "COMPRESS_MIN_SIZE": 500,
        "COMPRESS_MIMETYPES": ["text/html", "application/json", "text/csv", "text/plain", "text/css",
                               "text/javascript", "application/javascript", "image/svg+xml", "application/xml"],
        **_sign_in_config(),
    }


def _sign_in_config() -> dict:
    """Single sign-on and embedding (README, "Single sign-on and embedding")."""
    return {
        "PORTAL_EMBED_SECRET": os.environ.get("PORTAL_EMBED_SECRET") or None,
        "PORTAL_EMBED_ORIGINS": os.environ.get("PORTAL_EMBED_ORIGINS", "").split(),
        "OIDC_ISSUER": (os.environ.get("OIDC_ISSUER") or "").rstrip("/") or None,
        "OIDC_CLIENT_ID": os.environ.get("OIDC_CLIENT_ID") or None,
        "OIDC_CLIENT_SECRET": os.environ.get("OIDC_CLIENT_SECRET") or None,
        # The ID token claim that carries the staff role (a string or a list, e.g. groups) and its two values.
        "OIDC_ROLE_CLAIM": os.environ.get("OIDC_ROLE_CLAIM", "groups"),
        "OIDC_ADMIN_VALUE": os.environ.get("OIDC_ADMIN_VALUE", "portal-admin"),
        "OIDC_CSM_VALUE": os.environ.get("OIDC_CSM_VALUE", "portal-csm"),
        "SSO_HTTP_TIMEOUT": float(os.environ.get("SSO_HTTP_TIMEOUT", "5")),  # seconds per call to a provider
    }
