"""Access classes of the downloads: tables as CSV/XLSX and the review deck."""
from tests.isolation import Route

ROUTES = {
    "exports.usage_csv": Route("account"),
    "exports.account_table": Route("account", {"table": "usage", "fmt": "csv"}),
    "exports.staff_table": Route("staff", {"table": "portfolio", "fmt": "xlsx"}),
    "exports.account_deck": Route("account"),
    "exports.share_deck": Route("token_link"),
}
