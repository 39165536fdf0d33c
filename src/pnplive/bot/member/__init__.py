"""The member's flows: gates and menu, booking, their bookings, settings, Stars payments."""
