"""The city tests' PostgreSQL cluster: queue_server/city/localpg.py (``make city`` uses it too)."""

from queue_server.city.localpg import MISSING, PG_BIN, PostgresCluster, available, free_port

__all__ = ["MISSING", "PG_BIN", "PostgresCluster", "available", "free_port"]
