"""Models of segments, playbooks and their sends (being built)."""
