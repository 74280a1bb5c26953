"""Probabilistic record linkage for people, with Splink (plain Python: no Django here)."""
