"""Packs: the rules of one document (calculators, eligibility) as data beside the document."""

from assistant.packs.loader import (
    ActiveTool,
    LoadedPack,
    PackError,
    active_packs,
    active_tools,
    drop_packs,
    pack_file_for,
    read_pack,
)
from assistant.packs.schema import Pack, PackArgument, PackTool

__all__ = ["ActiveTool", "LoadedPack", "Pack", "PackArgument", "PackError", "PackTool", "active_packs",
           "active_tools", "drop_packs", "pack_file_for", "read_pack"]
