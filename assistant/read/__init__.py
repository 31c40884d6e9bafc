"""Reading: files -> pages of text -> cleaned paragraphs with page numbers."""

from assistant.read.base import Page, Paragraph, RawDocument, read_document

__all__ = ["Page", "Paragraph", "RawDocument", "read_document"]
