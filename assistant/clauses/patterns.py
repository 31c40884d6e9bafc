"""Heading and list patterns of Chinese policy documents."""

from __future__ import annotations

import re

from assistant.read.clean import CJK

N = "一二三四五六七八九十百千零〇两"

CHAPTER = re.compile(rf"^第([{N}\d]+)章\s*(.*)$")
SUBCHAPTER = re.compile(rf"^第([{N}\d]+)节\s*(.*)$")
ARTICLE = re.compile(rf"^第([{N}\d]+)条(?:之([{N}]+))?\s*(.*)$")
PART = re.compile(rf"^第([{N}\d]+)(分编|编)\s*(.*)$")
SECTION = re.compile(rf"^([{N}]+)、\s*(.*)$")
ITEM = re.compile(rf"^[（(]([{N}]+)[）)]\s*(.*)$")
NUMBERED = re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*(.*)$")
POINT = re.compile(rf"(?:(?<=^)|(?<=[。；;]))([{N}]+)是")
ATTACHMENTS = re.compile(r"^[-•]?\s*附\s*件[：:]\s*(.*)$")
ANNEX = re.compile(rf"^附\s*件\s*([\d{N}]+)\s*[：:]?\s*(.*)$")
COLOPHON = re.compile(r"^抄\s*送[：:]|^.{0,30}\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印发$")
DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")

LEADER = re.compile(r"^组\s*长[：:]\s*(.*)$")
DEPUTY = re.compile(r"^副\s*组\s*长[：:]\s*(.*)$")
MEMBERS = re.compile(r"^成\s*员[：:]\s*(.*)$")
# A person's name as printed in member lists: three characters, or two padded with a space,
# followed by a space and the member's organisation.
NAME = rf"(?:[{CJK}] [{CJK}]|[{CJK}]{{2,3}})"
MEMBER_START = re.compile(rf"^{NAME} \S")
NAME_ONLY = re.compile(rf"^{NAME}$")
MEMBER = re.compile(
    rf"\s*(?P<name>{NAME}) (?P<org>[^\s，。；：,;]+?(?:办事处|中心|大队|公司|分局|局|办|委|院|所|站|处|会))"
)
TERMINAL_END = re.compile(r"[。！？；：!?;:]$")
