"""Clauses: a document's paragraphs -> a tree of citable clauses with stable ids."""

from assistant.clauses.parser import PARSER_VERSION, parse_paragraphs

__all__ = ["PARSER_VERSION", "parse_paragraphs"]
