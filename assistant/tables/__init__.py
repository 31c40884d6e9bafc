"""Table questions over any indexed table: cells, rows, columns, superlatives, filters,
sums and shares, comparisons, progress against a target and totals checks."""
