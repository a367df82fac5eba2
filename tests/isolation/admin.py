"""Access classes of the admin pages: admins only; customers and CSMs get 403."""
from tests.isolation import Route

ROUTES = {
    "admin.index": Route("admin"),
    "admin.accounts": Route("admin"),
    "admin.account_new": Route("admin"),
    "admin.account_edit": Route("admin"),
    "admin.users": Route("admin"),
    "admin.user_new": Route("admin"),
    "admin.user_edit": Route("admin"),
    "admin.user_reset": Route("admin"),
    "admin.user_tokens": Route("admin"),
    "admin.token_revoke": Route("admin"),
}
