"""Figures about the business for admins (F-ADM-3) and exports of its records (F-ADM-4)."""
