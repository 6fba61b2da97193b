"""Reading a draft decision into sections (Markdown or .docx) and showing wording changes as a diff."""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
MAX_DRAFT_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class ParsedSection:
    heading: str
    body: str


class DraftFormatError(ValueError):
    """The file is not a readable Markdown or .docx draft."""


def sections_from_markdown(text: str) -> list[ParsedSection]:
    """Split at headings of the top-most level used below the title.

    A single ``#`` title followed by ``##`` sections gives one section per ``##``; text before the
    first heading becomes a "Preamble" section. Empty sections are dropped.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    levels = [len(m.group(1)) for line in lines if (m := _HEADING.match(line))]
    if not levels:
        whole = text.strip()
        return [ParsedSection("", whole)] if whole else []
    split_level = min(levels)
    if levels.count(split_level) == 1 and any(level > split_level for level in levels):
        split_level = min(level for level in levels if level > split_level)
    sections: list[ParsedSection] = []
    heading = ""
    body: list[str] = []

    def flush() -> None:
        content = "\n".join(body).strip()
        if heading or content:
            sections.append(ParsedSection(heading, content))

    for line in lines:
        match = _HEADING.match(line)
        if match and len(match.group(1)) <= split_level:
            if len(match.group(1)) < split_level:
                continue  # the document title
            flush()
            heading, body = match.group(2).strip(), []
        else:
            body.append(line)
    flush()
    return [s for s in sections if s.heading or s.body]


def sections_from_docx(data: bytes) -> list[ParsedSection]:
    """Paragraphs styled as headings start sections; the highest heading level used more than once
    splits (a lone top heading is the title)."""
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as error:
        raise DraftFormatError(str(error)) from error
    markdown: list[str] = []
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        text = paragraph.text.strip()
        match = re.match(r"Heading (\d)", style)
        if style == "Title" and text:
            markdown.append("# " + text)
        elif match and text:
            markdown.append("#" * (int(match.group(1)) + 1) + " " + text)
        else:
            markdown.append(text)
    return sections_from_markdown("\n".join(markdown))


def section_key(heading: str, position: int) -> str:
    return (slugify(heading, allow_unicode=True) or f"section-{position}")[:80]


def wording_diff(old: str, new: str) -> SafeString:
    """Word-level diff as HTML: removed words in ``<del>``, added in ``<ins>``, with visually hidden
    labels so screen readers announce the change (``<del>``/``<ins>`` alone are often silent)."""
    before = re.findall(r"\S+|\s+", old)
    after = re.findall(r"\S+|\s+", new)
    parts: list[str] = []
    from django.utils.translation import gettext as _

    removed, added = escape(_("removed:")), escape(_("added:"))
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(before[a1:a2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f'<del><span class="visually-hidden">{removed} </span>{escape("".join(before[a1:a2]))}</del>')
        if op in ("insert", "replace"):
            parts.append(f'<ins><span class="visually-hidden">{added} </span>{escape("".join(after[b1:b2]))}</ins>')
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above
