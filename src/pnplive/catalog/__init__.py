"""What members find and can book: browsing performers, their free slots, smart matching.

A read side over performers, their schedules (availability) and bookings; nothing below
imports it."""
