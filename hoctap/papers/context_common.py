"""What every paper's context shares: the NĐ 30 frame, safe text, Vietnamese dates, and who issues what.

Every value handed to a template is a plain `str` (or a tuple of them, or a
frozen dataclass of them), already formatted the Vietnamese way from the
results contract (`scoring.results`): a template never computes, so a number
in a paper is the number on the site. Text that came from a submitter or the
registry goes through `plain()`: control characters and characters XML cannot
hold are removed, and docxtpl escapes the rest (autoescape), so it can never
become markup, a hyperlink or a field code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from scoring.registry import Registry, Unit
from scoring.results import Authority, Recognition, ScoreReport
from scoring.rubric_base import RubricInfo
from scoring.text import slugify, strip_controls
from scoring.vietnamese import vi_date, vi_number, vi_percent

# Characters XML 1.0 cannot hold, beyond the C0/C1 controls `strip_controls` removes.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"\s+")
BLANK = "……………"  # a blank to fill by hand (a number, a date, a name)
NUMBER_GAP = " " * 7  # "Số:       /TTr-…": the number is given by the văn thư when the paper is issued


def plain(value: object) -> str:
    """Submitted or registry text on one line, safe for a DOCX (docxtpl escapes it as well)."""
    if value is None:
        return ""
    return _SPACES.sub(" ", _NOT_XML.sub("", strip_controls(str(value)))).strip()


def plain_lines(value: object) -> tuple[str, ...]:
    """Multi-line submitted text as its non-empty lines, each `plain`."""
    if value is None:
        return ()
    return tuple(line for line in (plain(part) for part in str(value).splitlines()) if line)


def count(value: int) -> str:
    return vi_number(Decimal(value))


def share_text(part: int, whole: int, share: Decimal | None) -> str:
    """"76/78 (97,4%)": the counts and the share the scorer computed."""
    pct = f" ({vi_percent(share)})" if share is not None else ""
    return f"{count(part)}/{count(whole)}{pct}"


def long_date(day: date) -> str:
    """"ngày 05 tháng 01 năm 2026", "ngày 29 tháng 6 năm 2019" (NĐ 30, Phụ lục I, Mục II khoản 4 điểm b)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def blank_date_line(place: str, year: int) -> str:
    """Ô 4 with the day and month left blank: the date is written when the paper is signed."""
    return f"{place}, ngày{NUMBER_GAP}tháng{NUMBER_GAP}năm {year}"


def number_line(symbol: str) -> str:
    """Ô 3 with the number left blank: "Số:       /TTr-SGDĐT"."""
    return f"Số:{NUMBER_GAP}/{symbol}"


def blank_reference(kind_symbol: str, year: int) -> str:
    """"số      /TTr-SGDĐT ngày      tháng      năm 2026": a paper of the same dossier, not yet numbered."""
    return f"số{NUMBER_GAP}/{kind_symbol} ngày{NUMBER_GAP}tháng{NUMBER_GAP}năm {year}"


_ARTICLE = re.compile(r"Điều \d+")
_LAW_SUFFIX = re.compile(r"^(.*?)( (?:Thông tư|Nghị định|Luật) .*)$")


def cited_for(citation: str, article_of: str) -> str:
    """The part of a two-set citation that names the set's own article.

    "khoản 4 Điều 5, khoản 4 Điều 11 Thông tư 24/2023/TT-BGDĐT" for a set whose authority is cited as
    "khoản 1 Điều 11 …" gives "khoản 4 Điều 11 Thông tư 24/2023/TT-BGDĐT"; anything else is returned whole.
    """
    article = _ARTICLE.search(article_of)
    parts = _LAW_SUFFIX.match(citation)
    if article is None or parts is None:
        return citation
    head, law = parts.groups()
    for part in head.split(", "):
        if part.endswith(" " + article.group()) or part == article.group():
            return part + law
    return citation


def upper(text: str) -> str:
    return text.upper()


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def circular_citation(info: RubricInfo) -> str:
    """"Thông tư số 24/2023/TT-BGDĐT ngày 11 tháng 12 năm 2023 của Bộ trưởng Bộ Giáo dục và Đào tạo quy định …"."""
    number = info.short_title.removeprefix("Thông tư ").strip()
    subject = info.title.removeprefix(info.short_title).strip()
    issued = f" {long_date(info.issued)}" if info.issued else ""
    issuer = f" của Bộ trưởng {info.issuer}" if info.issuer.startswith("Bộ ") else (f" của {info.issuer}" if info.issuer else "")
    return f"Thông tư số {number}{issued}{issuer} {subject}".strip()


# --- the frame: ô 1–5, 7, 9 -----------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """Ô 1–4 (and 5b): the issuing body under its governing body, the number and the place and date."""

    governing_body: str  # in hoa; "" when the issuer's governing body is not known
    issuing_body: str  # in hoa
    number: str  # "Số:       /TTr-SGDĐT"
    place_date: str  # "Tây Ninh, ngày       tháng       năm 2026"
    subject: str = ""  # "V/v …" of a công văn


@dataclass(frozen=True)
class Title:
    kind: str  # "TỜ TRÌNH"
    summary: str  # "Đề nghị công nhận …"


@dataclass(frozen=True)
class Signature:
    authority: str  # "KT. GIÁM ĐỐC", "TM. HỘI ĐỒNG" or "" when the head signs in his own right
    title: str  # "PHÓ GIÁM ĐỐC"
    name: str = BLANK


@dataclass(frozen=True)
class Frame:
    header: Header
    title: Title
    recipient: str  # "Kính gửi: …" (ô 9a); "" when the paper has none
    signature: Signature
    copies: tuple[str, ...]  # Nơi nhận (ô 9b), one line each, the last "Lưu: VT, …."
    notice: str = ""  # "DỮ LIỆU MẪU …" on papers made from the sample
    draft: bool = False  # a dự thảo


def template_context(frame: Frame, content: Any) -> dict[str, Any]:
    """The Jinja2 context: the frame's fields and the paper's own, side by side (`header`, `unit`, …)."""
    out: dict[str, Any] = {f.name: getattr(frame, f.name) for f in fields(frame)}
    for f in fields(content):
        if f.name in out:
            raise ValueError(f"trường «{f.name}» trùng với khung văn bản")
        out[f.name] = getattr(content, f.name)
    return out


SAMPLE_NOTICE = "DỮ LIỆU MẪU: văn bản lập từ dữ liệu mẫu của hoctap, không phải hồ sơ thật."


# --- who issues what --------------------------------------------------------------------------------

_UBND = "Ủy ban nhân dân "
_PHONG = "Phòng Giáo dục và Đào tạo "
_LOCALITY_KINDS = ("thành phố ", "thị xã ", "huyện ", "quận ", "tỉnh ")


@dataclass(frozen=True)
class Body:
    """The body that receives a set's dossiers in a year (Sở or Phòng GD&ĐT), and the authority above it."""

    key: str  # folder name
    name: str  # "Sở Giáo dục và Đào tạo tỉnh Tây Ninh"
    own_name: str  # without the locality: "Sở Giáo dục và Đào tạo"
    head: str  # "Giám đốc", "Trưởng phòng"
    symbol: str  # ký hiệu: "SGDĐT", "PGDĐT"
    governing_body: str  # "Ủy ban nhân dân tỉnh Tây Ninh"
    locality: str  # "tỉnh Tây Ninh"
    place: str  # "Tây Ninh" (ô 4)
    recognising_authority: str  # "Chủ tịch Ủy ban nhân dân tỉnh Tây Ninh"

    @property
    def governing_short(self) -> str:
        """NĐ 30 khoản 2 điểm a: the governing body's name may abbreviate common phrases ("UBND")."""
        return upper(self.governing_body.replace(_UBND, "UBND ", 1)) if self.governing_body else ""


def _place_of(locality: str, fallback: str) -> str:
    for kind in _LOCALITY_KINDS:
        if locality.startswith(kind):
            return locality[len(kind):]
    return locality or fallback


def _symbol(name: str) -> str:
    if name.startswith("Sở Giáo dục và Đào tạo"):
        return "SGDĐT"
    if name.startswith(_PHONG.strip()):
        return "PGDĐT"
    return "".join(w[0] for w in name.split() if w[:1].isupper()).upper() or BLANK


def provincial_body(authority: Authority) -> Body:
    """The Sở of the period (settings `periods`), under the province's Ủy ban nhân dân."""
    locality = authority.governing_body.removeprefix(_UBND)
    own = authority.receiving_body
    if locality and own.casefold().endswith(" " + locality.casefold()):
        own = own[: -len(locality) - 1]
    head = "Giám đốc" if own.startswith("Sở ") else "Thủ trưởng"
    return Body(key=slugify(authority.receiving_body), name=authority.receiving_body, own_name=own, head=head,
                symbol=_symbol(own), governing_body=authority.governing_body, locality=locality, place=authority.place,
                recognising_authority=authority.recognising_authority)


def district_body(unit: Unit, authority: Authority, after_reform: str | None) -> Body:
    """A district unit's Phòng GD&ĐT (the registry's `reviewing_body`) and the Chủ tịch UBND of that district.

    After the 2025 reform (a period with a note) the recognising authority is the setting
    `district_after_reform`, as on the site.
    """
    name = plain(unit.reviewing_body) or authority.receiving_body
    locality = name[len(_PHONG):] if name.startswith(_PHONG) else ""
    governing = _UBND + locality if locality else ""
    recognising = f"Chủ tịch {governing}" if governing else authority.recognising_authority
    if authority.note and after_reform:
        recognising = after_reform
    own = name[: -len(locality) - 1] if locality else name
    head = "Trưởng phòng" if own.startswith("Phòng ") else "Thủ trưởng"
    return Body(key=slugify(name), name=name, own_name=own, head=head, symbol=_symbol(own), governing_body=governing,
                locality=locality, place=_place_of(locality, authority.place), recognising_authority=recognising)


def head_signature(body: Body) -> Signature:
    """A deputy signing for the head (khoản 7 điểm b: "KT."): the usual case; the template can say otherwise."""
    head = upper(body.head)
    return Signature(f"KT. {head}", f"PHÓ {head}")


def issued_by(body: Body, kind_symbol: str, year: int) -> Header:
    """Ô 1–4 of a paper the body itself issues."""
    return Header(body.governing_short, upper(body.own_name), number_line(f"{kind_symbol}-{body.symbol}"),
                  blank_date_line(body.place, year))


def names(units: Iterable[str]) -> str:
    return "; ".join(units)


def day_text(day: date | None) -> str:
    return vi_date(day) if day else ""


# --- the year's inputs --------------------------------------------------------------------------


@dataclass(frozen=True)
class YearInput:
    """Everything a year's papers are made from: the scored results and the project's settings for that year."""

    year: int
    report: ScoreReport  # that year only
    registry: Registry
    authority: Authority  # the period's province and bodies (settings `periods`)
    cdht_target: tuple[Decimal, int] | None  # QĐ 677/QĐ-TTg: (share, by year)
    decisions: tuple[Recognition, ...]  # every decision of the decisions file, all years
    district_after_reform: str | None  # setting `district_after_reform`
    cdht_rule: str  # setting `cdht_learners_rule`: "ca-hai" or "nguoi-hoc"
    sample: bool

    def unit(self, unit_id: str) -> Unit | None:
        return self.registry.get(unit_id)

    def unit_name(self, unit_id: str) -> str:
        unit = self.registry.get(unit_id)
        return plain(unit.name if unit else unit_id)

    def body_for(self, unit: Unit | None) -> Body:
        """Where the unit's dossier goes: its Phòng GD&ĐT for the district set, else the Sở of the period."""
        if unit is not None and (unit.cap == "huyen" or (unit.cap is None and unit.reviewing_body.startswith("Phòng "))):
            return district_body(unit, self.authority, self.district_after_reform)
        return provincial_body(self.authority)

    @property
    def notice(self) -> str:
        return SAMPLE_NOTICE if self.sample else ""

    @property
    def issue_year(self) -> int:
        """The dossier of an assessment year is sent and decided in the next year (Điều 10, 16)."""
        return self.year + 1
