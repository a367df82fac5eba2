"""Dashboard card of in-portal playbook messages (registers a provider; not built yet)."""
