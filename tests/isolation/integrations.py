"""Access classes of the Segment source and the webhooks: the write key of an admin; admin pages."""
from tests.isolation import Route

ROUTES = {
    "api_segment.batch": Route("api_write_key"),
    "api_segment.single": Route("api_write_key", {"call": "track"}),
    "segment_admin.index": Route("admin"),
    "segment_admin.remove": Route("admin", {"event_name": "Report Exported"}),
    "segment_admin.live": Route("admin"),
    "webhooks.index": Route("admin"),
    "webhooks.rotate": Route("admin"),
    "webhooks.disable": Route("admin"),
    "webhooks.enable": Route("admin"),
    "webhooks.resend": Route("admin", {"webhook_id": "msg_unknown"}),
}
