"""Where posts go: X itself (the outbox's dry run lives with the outbox)."""
