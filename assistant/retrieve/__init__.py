"""Retrieval: hybrid dense + sparse search over clauses, and the abstention gate."""
