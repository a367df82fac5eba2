"""Admin pages of the Segment-compatible source: event-name mappings and the live debugger."""
