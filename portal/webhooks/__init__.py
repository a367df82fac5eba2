"""Signed webhooks in the web shell: the CLI, the admin page, the flush job and its warning to admins."""
