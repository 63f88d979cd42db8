"""A small results folder, shaped like the scorer's output, for building the site in tests.

`write_results(folder)` writes `index.json`, `ket-qua-<year>.json` and
`ket-qua-<year>.csv` for 2023-2025: a handful of real Long An units, a tie in
rank (1, 2, 2, 4 in 2025), a verified score, a late and a rejected submission,
a unit that never submitted, a unit that ended in 2024, and hostile strings in
every field a submitter types (`<script>`, a `javascript:` URL, `=HYPERLINK`).
"""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

INDICATORS = ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3")
MAXIMA = {"1.1": 10, "1.2": 10, "1.3": 10, "2.1": 10, "2.2": 5, "2.3": 10, "2.4": 5, "3.1": 25, "3.2": 10, "3.3": 5}
YEARS = (2023, 2024, 2025)
GROUPS = ["Khối Đảng", "Khối chính quyền", "Đơn vị sự nghiệp", "Mặt trận và đoàn thể", "UBND cấp huyện"]

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_NAME = "Ban Thử nghiệm <script>alert(1)</script>"
HOSTILE_URL = "javascript:alert(1)"
HOSTILE_FORMULA = '=HYPERLINK("http://evil.example/","bấm vào đây")'

UNITS: list[dict[str, Any]] = [
    {"id": "so-gd-dt", "name": "Sở Giáo dục và Đào tạo", "short_name": "Sở GD&ĐT", "group": "Khối chính quyền"},
    {"id": "so-noi-vu", "name": "Sở Nội vụ", "short_name": "Sở Nội vụ", "group": "Khối chính quyền"},
    {"id": "so-y-te", "name": "Sở Y tế", "short_name": "Sở Y tế", "group": "Khối chính quyền"},
    {"id": "hoi-lhpn", "name": "Hội Liên hiệp Phụ nữ tỉnh", "short_name": "Hội LHPN", "group": "Mặt trận và đoàn thể"},
    {"id": "ban-thu-nghiem", "name": HOSTILE_NAME, "short_name": "Ban Thử nghiệm", "group": "Đơn vị sự nghiệp"},
    {"id": "vp-tinh-uy", "name": "Văn phòng Tỉnh ủy", "short_name": "VP Tỉnh ủy", "group": "Khối Đảng"},
    {"id": "ubnd-tan-an", "name": "UBND thành phố Tân An", "short_name": "TP Tân An", "group": "UBND cấp huyện",
     "level": "Cấp huyện", "last_year": 2024},
]
for _u in UNITS:
    _u.setdefault("level", "Cấp tỉnh")
    _u.setdefault("first_year", 2020)
    _u.setdefault("last_year", None)
UNIT_BY_ID = {u["id"]: u for u in UNITS}

# Points per year per unit, in INDICATORS order; a unit absent from a year has no accepted result that year.
_POINTS: dict[int, dict[str, tuple[float, ...]]] = {
    2023: {
        "so-gd-dt": (9, 8, 8, 9, 5, 9, 4, 20, 9, 4),
        "so-noi-vu": (8, 7, 7, 8, 4, 8, 4, 18, 8, 3),
        "hoi-lhpn": (7, 6, 6, 6, 4, 7, 3, 15, 6, 3),
        "ubnd-tan-an": (6, 5, 5, 5, 3, 6, 3, 10, 5, 2),
    },
    2024: {
        "so-gd-dt": (10, 9, 8, 9, 5, 9, 5, 22, 9, 4),
        "so-noi-vu": (8, 8, 7, 8, 4, 8, 4, 19, 8, 4),
        "so-y-te": (7, 7, 6, 7, 4, 7, 3, 16, 7, 3),
        "ubnd-tan-an": (7, 6, 6, 6, 4, 7, 3, 14, 6, 3),
    },
    2025: {
        # 95
        "so-gd-dt": (10, 10, 9, 10, 5, 10, 5, 22, 9, 5),
        # 88.5 (verified)
        "so-noi-vu": (9.5, 9, 9, 9, 5, 9, 4, 21, 9, 4),
        # 88.5 (tie)
        "hoi-lhpn": (9, 9, 9, 9, 5, 9, 4.5, 21, 9, 4),
        # 80
        "ban-thu-nghiem": (8, 8, 8, 8, 4, 8, 4, 20, 8, 4),
    },
}
POINTS: dict[int, dict[str, dict[str, float]]] = {
    year: {uid: dict(zip(INDICATORS, pts, strict=True)) for uid, pts in units.items()}
    for year, units in _POINTS.items()
}
RANKS_2025 = {"so-gd-dt": 1, "so-noi-vu": 2, "hoi-lhpn": 2, "ban-thu-nghiem": 4}


def _class(total: float) -> str:
    if total >= 85:
        return "Tốt"
    if total >= 70:
        return "Khá"
    if total >= 50:
        return "Trung bình"
    return "Chưa đạt"


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 2)


def _result(year: int, unit_id: str, points: dict[str, float], previous: float | None) -> dict[str, Any]:
    unit = UNIT_BY_ID[unit_id]
    criteria = {c: _num(sum(v for k, v in points.items() if k.startswith(c + "."))) for c in ("1", "2", "3")}
    total = _num(sum(points.values()))
    members = {"so-gd-dt": 120, "so-noi-vu": 60, "hoi-lhpn": 25, "ban-thu-nghiem": 10}.get(unit_id, 40)
    cdht = {"so-gd-dt": 80, "so-noi-vu": 30, "hoi-lhpn": 20}.get(unit_id)
    row: dict[str, Any] = {
        "unit_id": unit_id, "year": year, "name": unit["name"], "short_name": unit["short_name"],
        "group": unit["group"], "rubric": "tt22-2020",
        "points": {k: _num(v) for k, v in points.items()}, "criteria": criteria, "total": total,
        "class": _class(float(total)), "basis": "verified" if (unit_id == "so-noi-vu" and year == 2025) else "self",
        "rank": None, "rank_in_group": None,
        "previous_total": previous, "change": None if previous is None else _num(float(total) - previous),
        "members": members, "cdht": cdht,
        "cdht_share": None if cdht is None else round(cdht / members, 4),
        "cdht_meets_target": None if cdht is None else cdht / members >= 0.6,
        "ban_khuyen_hoc": unit_id != "ban-thu-nghiem",
        "plan_url": f"https://example.gov.vn/{unit_id}/ke-hoach-{year}.pdf",
        "submitted": f"{year + 1}-01-20", "submission_status": "dung-han",
        "evidence": (),
        "note": None, "decision": None,
    }
    if unit_id == "ban-thu-nghiem":
        row["note"] = f"{HOSTILE_FORMULA} {HOSTILE_SCRIPT}"
        row["plan_url"] = HOSTILE_URL
        row["evidence"] = {"1.1": HOSTILE_URL, "1.2": "<img src=x onerror=alert(1)>"}
        row["decision"] = HOSTILE_SCRIPT
    if unit_id == "hoi-lhpn" and year == 2025:
        row["submitted"] = "2026-02-03"
        row["submission_status"] = "tre-han"
    if row["basis"] == "verified":
        row["decision"] = "Đã thẩm định: điều chỉnh chỉ số 1.1 từ 10 xuống 9,5."
    return row


def _rank(rows: list[dict[str, Any]]) -> None:
    """Standard competition ranking (1, 2, 2, 4), overall and within group."""
    ordered = sorted(rows, key=lambda r: -float(r["total"]))
    for r in ordered:
        r["rank"] = 1 + sum(1 for o in ordered if float(o["total"]) > float(r["total"]))
        same = [o for o in ordered if o["group"] == r["group"]]
        r["rank_in_group"] = 1 + sum(1 for o in same if float(o["total"]) > float(r["total"]))
    rows[:] = ordered


def _status(year: int, results: list[dict[str, Any]], rejected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {r["unit_id"]: r for r in results}
    rejected_ids = {r["unit_id"] for r in rejected}
    out = []
    for u in UNITS:
        if not (u["first_year"] <= year and (u["last_year"] is None or year <= u["last_year"])):
            continue
        if u["id"] in by_id:
            status, submitted = by_id[u["id"]]["submission_status"], by_id[u["id"]]["submitted"]
        elif u["id"] in rejected_ids:
            status, submitted = "bi-tu-choi", f"{year + 1}-01-25"
        else:
            status, submitted = "chua-nop", None
        out.append({"unit_id": u["id"], "name": u["name"], "short_name": u["short_name"], "group": u["group"],
                    "status": status, "submitted": submitted})
    return out


CSV_COLUMNS = ["nam", "ma_don_vi", "ten_don_vi", "khoi", *INDICATORS, "tieu_chi_1", "tieu_chi_2", "tieu_chi_3",
               "tong_diem", "xep_loai", "co_so", "hang", "thay_doi", "so_thanh_vien", "so_cdht", "ty_le_cdht",
               "ban_khuyen_hoc", "ke_hoach", "ngay_nop", "ghi_chu"]


def _neutralise(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_row(r: dict[str, Any]) -> list[Any]:
    return [_neutralise(v) for v in (
        r["year"], r["unit_id"], r["name"], r["group"], *(r["points"].get(i) for i in INDICATORS),
        r["criteria"]["1"], r["criteria"]["2"], r["criteria"]["3"], r["total"], r["class"],
        "đã thẩm định" if r["basis"] == "verified" else "tự đánh giá", r["rank"], r["change"], r["members"],
        r["cdht"], r["cdht_share"], "có" if r["ban_khuyen_hoc"] else "không", r["plan_url"], r["submitted"],
        r["note"])]


def write_results(folder: Path, *, sample: bool = True) -> Path:
    """Write the fixture results folder and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    previous: dict[str, float] = {}
    totals = {"read": 0, "scored": 0, "rejected": 0}
    for year in YEARS:
        results = [_result(year, uid, pts, previous.get(uid)) for uid, pts in POINTS[year].items()]
        _rank(results)
        rejected: list[dict[str, Any]] = []
        if year == 2025:
            rejected.append({
                "unit_id": "so-y-te", "year": 2025, "where": "mau-2025.xlsx, trang «Sở Y tế», ô D23",
                "codes": ["ngoai-khoang"],
                "reasons": [("Sở Y tế (so-y-te), năm 2025, mau-2025.xlsx, trang «Sở Y tế», ô D23: "
                             "12 lớn hơn điểm tối đa 10 của chỉ số 1.1.")],
            })
        counts = {"read": len(results) + len(rejected), "scored": len(results), "rejected": len(rejected)}
        for k in totals:
            totals[k] += counts[k]
        data = {
            "year": year, "rubric": "tt22-2020", "deadline": f"{year + 1}-01-31",
            "cdht_target": {"share": 0.6, "by_year": 2025} if year <= 2025 else {"share": 0.8, "by_year": 2030},
            "counts": counts, "results": results, "rejected": rejected,
            "status": _status(year, results, rejected),
        }
        (folder / f"ket-qua-{year}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        with (folder / f"ket-qua-{year}.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(CSV_COLUMNS)
            for r in results:
                w.writerow(_csv_row(r))
        previous = {r["unit_id"]: float(r["total"]) for r in results}
    index = {
        "province": "Long An", "sample": sample, "generated": "2026-11-23T08:00:00+00:00",
        "years": list(YEARS), "latest_year": YEARS[-1], "units": UNITS, "groups": GROUPS, "counts": totals,
    }
    (folder / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` over http on 127.0.0.1 in a thread; yield the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def build(results: Path, output: Path, *, publish: bool = False) -> Path:
    """Build the site with real Pelican through the function the CLI calls; return the output folder."""
    from intake.site_build import build_site

    build_site(results, output, publish=publish)
    return output


PLUGIN_DIR = Path(__file__).resolve().parent.parent / "site" / "plugins"


def html_files(output: Path) -> list[Path]:
    """Every HTML page of the built site (Pagefind's own files excluded)."""
    return sorted(p for p in output.rglob("*.html") if "pagefind" not in p.relative_to(output).parts)
