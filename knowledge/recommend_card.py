"""Dashboard card of this feature (registers a provider with portal.dashboard.cards.card_provider; not built yet)."""
