"""Calendar files (F-UX-5): one ``.ics`` per booking and a private feed per performer."""
