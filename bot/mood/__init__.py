"""Perinatal mood check-ins: instruments, scoring and answers."""
