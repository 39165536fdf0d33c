"""The performer's own menu (F-PRF-2, F-SLF-1/2)."""
