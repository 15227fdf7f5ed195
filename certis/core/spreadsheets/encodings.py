"""What encoding a text file (CSV) is really in, among those Chinese offices and firms save: UTF-8 (with or
without its BOM), UTF-16 and UTF-32 with their BOMs, GB 18030 (and its subsets GBK and GB 2312, what Excel
saves in mainland China) and Big5 (Taiwan, Hong Kong and Macao). Anything else is refused rather than guessed:
publishing mojibake is worse than asking for the file again.

Why not a general detector (charset-normalizer, chardet): it answers with one of dozens of encodings, and its
answer must still be checked against the few we accept. The checks are what decide, so they are done here:

- a BOM decides, and UTF-7's BOM (``+/v``) is refused;
- bytes that decode strictly as UTF-8 are UTF-8 — unless they are ASCII holding UTF-7 runs (``+ZeVnLA-``)
  that would decode to CJK text, which is refused, naming the encodings accepted;
- otherwise GB 18030 and Big5 are both tried, strictly; each candidate's text is scored by the share of its
  Chinese characters that are common ones (GB 2312 for GB 18030; Big5's level 1, the 5,401 frequent
  characters, for Big5; a traditional character whose simplified form is common counts as common for
  GB 18030, since GBK holds traditional names too). Shift-JIS or any other bytes decoded as GB 18030 give
  rare characters, and fail the score; GB 18030 wins a tie, as the national standard.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

ACCEPTED = ("UTF-8", "UTF-16", "UTF-32", "GB 18030", "Big5")
MIN_COMMON_SHARE = 0.9  # measured: real text 0.97-1.0; Big5 read as GB 18030 about 0.6; Shift-JIS near 0
MIN_CJK_FOR_SCORE = 1
_UTF7_RUN = re.compile(rb"\+[A-Za-z0-9/+]{2,}-?")
_CJK = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class UnknownEncoding(ValueError):
    """The bytes are not text in any accepted encoding, or not with confidence; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "utf7", "undecodable" or "ambiguous"


@dataclass(frozen=True)
class Detected:
    encoding: str  # a Python codec name
    label: str  # as people know it


def detect(sample: bytes, *, complete: bool = False) -> Detected:
    """The encoding of a file from its first bytes (``complete`` if the sample is the whole file: then its
    end must decode too). Raises UnknownEncoding."""
    if sample.startswith(b"+/v") and sample[3:4] in (b"8", b"9", b"+", b"/"):
        raise UnknownEncoding("utf7")
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return Detected(name, name.removesuffix("-sig").upper())
    if _decodes(sample, "utf-8", complete):
        if sample.isascii() and _holds_utf7(sample):
            raise UnknownEncoding("utf7")
        return Detected("utf-8", "UTF-8")
    scores = {name: _common_share(sample, name, complete) for name in ("gb18030", "big5")}
    best = max(scores, key=lambda name: (scores[name], name == "gb18030"))
    if scores[best] < MIN_COMMON_SHARE:
        raise UnknownEncoding("undecodable" if max(scores.values()) < 0 else "ambiguous")
    return Detected(best, {"gb18030": "GB 18030", "big5": "Big5"}[best])


def _decodes(sample: bytes, encoding: str, complete: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _holds_utf7(sample: bytes) -> bool:
    for run in _UTF7_RUN.finditer(sample):
        try:
            text = run.group().decode("utf-7")
        except UnicodeDecodeError:
            continue
        if _CJK.search(text):
            return True
    return False


def _common_share(sample: bytes, encoding: str, complete: bool) -> float:
    """The share of the Chinese characters that are common ones; -1 if the bytes do not decode; 0 if the text
    has a character no Chinese text holds (a control character, the private use area)."""
    if not complete:
        sample = _cut_at_line(sample)
    try:
        text = sample.decode(encoding)
    except UnicodeDecodeError:
        return -1.0
    if re.search("[\x00-\x08\x0e-\x1f\x7f\ue000-\uf8ff]", text):
        return 0.0
    chinese = _CJK.findall(text)
    if not chinese:
        # Non-ASCII bytes that decode to no Chinese character (kana, symbols): not a Chinese text.
        return 0.0
    common = sum(1 for char in chinese if _is_common(char, encoding))
    return common / len(chinese)


def _cut_at_line(sample: bytes) -> bytes:
    """The sample up to its last line break, so that a character cut at the end is not held against it."""
    end = sample.rfind(b"\n")
    return sample[: end + 1] if end > 0 else sample


def _is_common(char: str, encoding: str) -> bool:
    if encoding == "big5":
        code = char.encode("big5")
        return 0xA440 <= int.from_bytes(code, "big") <= 0xC67E
    if _in_gb2312(char):
        return True
    from certis.core.text import to_simplified

    simplified = to_simplified(char)
    return simplified != char and all(_in_gb2312(c) for c in simplified)


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True
