"""Use cases: each one transaction that also appends its events (DESIGN §2)."""
