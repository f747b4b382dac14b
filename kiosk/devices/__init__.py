"""Serial devices (ID-card reader, QR scanner) arrive with the personal-records issue."""
