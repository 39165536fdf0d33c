"""Safety (F-SAF-1, F-SAF-5, F-SAF-6): incident reports, abuse limits and the archival of old
bookings down to their minimal record."""
