"""Readers: each input format turned into the one report model (stage 1 of 3)."""
