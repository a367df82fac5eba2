"""Access classes of the brand: its admin page, the logo every visitor's page shows, the one-click unsubscribe."""
from tests.isolation import Route

ROUTES = {
    "branding.edit": Route("admin"),
    "branding.logo": Route("public"),
    "mail.one_click": Route("token_link", {"token": "made-up-token"}),
}
