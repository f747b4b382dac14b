"""The hall's domain: tickets, numbering, queue policy, waits, ID numbers, settings.

Standard library only, and never reads the clock: callers pass ``now`` (an aware datetime).
The kiosk imports this package too, so it must stay free of Flask, Kivy, SQLite and printers.
"""
