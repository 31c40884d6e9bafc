"""Index: clauses -> llama-index nodes in chromadb (dense) + a Chinese-aware BM25 (sparse)."""
