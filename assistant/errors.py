"""Errors a user can cause, each with a message that names what is wrong and what to do.

Every command-line entry point maps these to a one-line message and a non-zero exit;
nothing else is caught there, so a bug still shows its traceback.
"""


class AssistantError(Exception):
    """Base class: a failure the user can fix. ``str(err)`` is the message to show."""

    exit_code = 2


class EmptyQuestionError(AssistantError):
    """The question was empty or only whitespace/control characters."""


class QuestionTooLongError(AssistantError):
    """The question exceeds the configured maximum length."""


class DocumentNotFoundError(AssistantError):
    """A path given for ingestion does not exist."""


class UnsupportedFormatError(AssistantError):
    """A file's type is not one the reader handles."""


class UnreadableDocumentError(AssistantError):
    """A file could not be read: corrupt, truncated, encrypted, or not text."""


class NoTextError(AssistantError):
    """A file was read but yielded no text (for a PDF: no text layer)."""


class FileTooLargeError(AssistantError):
    """A file is larger than the configured size limit."""


class ExpandedTooLargeError(FileTooLargeError):
    """A packed file (DOCX, compressed PDF streams) unpacks to more than the configured limit."""


class TooManyParagraphsError(FileTooLargeError):
    """A document has more paragraphs than the configured limit."""


class NotAFileError(DocumentNotFoundError):
    """A path names a folder, a device or a pipe, not a regular file."""


class AmountOutOfRangeError(AssistantError):
    """A question holds an amount that is negative or beyond any sane range."""


class DuplicateClauseIdError(AssistantError):
    """Two clauses of one document would get the same id (a numbering the parser cannot tell apart)."""


class ClauseNotFoundError(AssistantError):
    """No clause has the requested id."""


class IndexMismatchError(AssistantError):
    """The index was built with another embedding model or parser version."""


class IndexCorruptError(AssistantError):
    """An index file exists but cannot be read (damaged outside this program)."""


class IndexBusyError(AssistantError):
    """Another process holds the ingestion lock."""


class ConfigError(AssistantError):
    """A configuration value (environment variable or setting) is invalid."""


class ToolInputError(AssistantError):
    """A calculator was called with an invalid argument; the message names the field."""


class UnknownToolError(AssistantError):
    """No calculator has the requested name."""


class UnknownDocumentError(AssistantError):
    """No indexed document has the requested id (the message lists the ids there are)."""


class IndexReadOnlyError(AssistantError):
    """The data folder cannot be written (read-only, or not a folder)."""
