"""The mail outbox: queue in the transaction, deliver later with `mail flush`."""
