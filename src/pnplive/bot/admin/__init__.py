"""The admins' menu and the add-performer wizard (F-PRF-3, F-ADM)."""
