"""Access classes of two-factor sign-in, the audit log and "view as customer"."""
from tests.isolation import Route

ROUTES = {
    "two_factor.verify": Route("public"),
    "two_factor.setup": Route("signed_in"),
    "two_factor.disable": Route("signed_in"),
    "two_factor.admin_reset": Route("admin"),
    "two_factor.admin_security": Route("admin"),
    "audit.entries": Route("staff"),
    "audit.export": Route("staff"),
    "view_as.start": Route("account"),
    "view_as.end": Route("signed_in"),
}
