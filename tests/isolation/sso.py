"""Access classes of single sign-on and embedding.

The sign-in doors are public by nature: each refuses anything but a valid provider answer or signed token
(tests/sso/). The connection pages are for admins.
"""
from tests.isolation import Route

ROUTES = {
    "sso.staff_start": Route("public"),
    "sso.oidc_callback": Route("public"),
    "sso.saml_metadata": Route("public"),
    "sso.saml_acs": Route("public"),
    "sso.connection": Route("admin"),
    "sso.connection_remove": Route("admin"),
    "sso.connection_metadata": Route("admin"),
    "embed.embed": Route("public"),
}
