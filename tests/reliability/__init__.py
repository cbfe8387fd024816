"""Faults: killed, stopped and racing parts, with nothing lost."""
