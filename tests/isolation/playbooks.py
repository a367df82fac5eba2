"""Access classes of the segment, playbook, task and cohort pages, and the unsubscribe link."""
from tests.isolation import Route

ROUTES = {
    "playbooks.index": Route("staff"),
    "playbooks.segment_new": Route("staff"),
    "playbooks.segment_edit": Route("staff"),
    "playbooks.segment_preview": Route("staff"),
    "playbooks.segment_delete": Route("staff"),
    "playbooks.playbook_delete": Route("staff"),
    "playbooks.playbook_new": Route("staff"),
    "playbooks.playbook_edit": Route("staff"),
    "playbooks.playbook_activate": Route("staff"),
    "playbooks.playbook_dry_run": Route("staff"),
    "playbooks.playbook_results": Route("staff"),
    "playbooks.tasks": Route("staff"),
    "playbooks.task_done": Route("staff"),
    "playbooks.task_undo": Route("staff"),
    "playbooks.cohorts": Route("staff"),
    "playbooks.cohort_chart": Route("staff", {"name": "retention"}),
    "playbooks.holdout": Route("admin"),
    "playbooks.unsubscribe_page": Route("token_link"),
}
