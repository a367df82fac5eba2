"""Access classes of the downloads (tables as CSV/XLSX, the review deck) and of the admin imports page."""
from tests.isolation import Route

ROUTES = {
    "exports.usage_csv": Route("account"),
    "exports.account_table": Route("account", {"table": "usage", "fmt": "csv"}),
    "exports.staff_table": Route("staff", {"table": "portfolio", "fmt": "xlsx"}),
    "exports.account_deck": Route("account"),
    "exports.share_deck": Route("token_link"),
}
ROUTES["imports.upload"] = Route("admin")
