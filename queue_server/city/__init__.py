"""The city: each hall's events shipped to the city's PostgreSQL, and what is derived there.

The hall keeps working on its own SQLite whatever the city's server does (DESIGN §5a):
``shipper`` reads the hall's append-only event log after the last acknowledged id, masks it
(``outbound``), stores it idempotently by (hall_id, event_id) and records the acknowledgement
in the hall's database. ``migrate`` applies the numbered SQL files of ``migrations/`` and
creates the monthly partitions; ``derived`` recomputes the per-hall, per-day tables.
Nothing here is imported by the hall server's request path. docs/city.md for operators.
"""
