"""Thin screens: each ``<name>.py`` shows the Flow's state and sends touches to the controller
(``c.take_ticket()``, kiosk/touches.py); no decisions here. The look they share (header, body,
footer) is base.kv; each screen fills the body in Python. app.screen_classes maps Flow.Screen
values to classes."""
