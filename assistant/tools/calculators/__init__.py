"""Deterministic calculators for the numeric rules of 仑政办〔2024〕22号, one module per topic."""
