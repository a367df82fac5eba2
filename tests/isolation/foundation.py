"""Access classes of the foundation's routes."""
from tests.isolation import Route

ROUTES = {
    "static": Route("public", {"filename": "css/portal.css"}),
    "auth.login": Route("public"),
    "auth.logout": Route("signed_in"),
    "auth.index": Route("signed_in"),
    "auth.forgot_password": Route("public"),
    "auth.reset_password": Route("token_link", {"token": "made-up-token"}),
    "auth.change_password": Route("signed_in"),
    "misc.healthz": Route("public"),
    "misc.robots_txt": Route("public"),
    "api_meta.openapi": Route("public"),
    "dashboard.overview": Route("account"),
    "csm.portfolio": Route("staff"),
}
ROUTES["bokehjs.bokeh_js"] = Route("public", {"name": "bokeh.min.js"})
