"""Thin screens: each ``<name>.py`` + ``<name>.kv`` shows the Flow's state and sends touches to
the controller; no decisions here. SCREENS maps Flow.Screen values to classes."""
