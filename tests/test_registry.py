"""The unit registry: refused whole with each bad line named, units by year, types for TT 24, lineage across the merger."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import REGISTRY_HEADER, registry_csv

from scoring.errors import RegistryError
from scoring.levels_rubric import LevelsRubric
from scoring.registry import Registry, load_registry
from scoring.rubric import default_rubrics


def unit_types() -> frozenset[str]:
    rubric = default_rubrics().by_id("tt24-2023")
    assert isinstance(rubric, LevelsRubric)
    return frozenset(rubric.unit_types)


def write(tmp_path: Path, text: str, name: str = "units.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> Registry:
    return load_registry(write(tmp_path, text), unit_types())


GOOD = {"id": "so-y-te", "name": "Sở Y tế", "last_year": 2024}


# --- the bundled registry ------------------------------------------------------------------------------------


def test_every_unit_assessed_under_tt24_has_a_set_and_a_type(bundled_registry: Registry) -> None:
    types = unit_types()
    for unit in bundled_registry.units:
        if unit.last_year is None or unit.last_year >= 2024:
            assert unit.cap in ("tinh", "huyen") and unit.loai in types, unit.id


def test_district_units_end_with_2024_and_long_an_merges_into_tay_ninh(bundled_registry: Registry) -> None:
    district = [u for u in bundled_registry.units if u.cap == "huyen"]
    assert district and all(u.last_year == 2024 for u in district)  # no district level from 1/7/2025
    assert not any(u.id.startswith("tn-") for u in bundled_registry.active(2024))
    assert all(u.id.startswith("tn-") or u.first_year >= 2024 for u in bundled_registry.active(2025))


def test_lineage_carries_a_merged_departments_history(bundled_registry: Registry) -> None:
    assert {u.id for u in bundled_registry.predecessors("tn-so-tai-chinh")} == {"so-kh-dt", "so-tai-chinh"}
    assert set(bundled_registry.lineage("tn-so-tai-chinh")) == {"tn-so-tai-chinh", "so-kh-dt", "so-tai-chinh"}
    assert bundled_registry.lineage("tn-so-y-te") == ("tn-so-y-te", "so-y-te")
    assert bundled_registry.lineage("so-y-te") == ("so-y-te",)  # history runs forward, never back
    for unit in bundled_registry.units:
        if unit.successor is not None:
            successor = bundled_registry.get(unit.successor)
            assert successor is not None and unit.last_year is not None
            assert successor.first_year == unit.last_year + 1, unit.id  # no gap, no overlap


# --- units by year, types, public or not ---------------------------------------------------------------------


def test_units_are_active_in_their_years_only(tmp_path: Path) -> None:
    registry = load(tmp_path, registry_csv([
        {"id": "a", "name": "A", "first_year": 2020, "last_year": 2021},
        {"id": "b", "name": "B", "first_year": 2022},
    ]))
    assert [u.id for u in registry.active(2021)] == ["a"]
    assert [u.id for u in registry.active(2030)] == ["b"]
    a, b = registry.get("a"), registry.get("b")
    assert a is not None and b is not None
    assert a.active_in(2020) and not a.active_in(2022) and b.last_year is None


def test_cong_lap_is_read_and_defaults_to_the_types_own(tmp_path: Path) -> None:
    registry = load(tmp_path, registry_csv([
        {"id": "a", "name": "A", "loai": "su-nghiep", "cong_lap": "không"},
        {"id": "b", "name": "B", "loai": "to-chuc-kinh-te", "cong_lap": "Có"},
        {"id": "c", "name": "C", "loai": "hoi"},
    ]))
    assert [(u.id, u.cong_lap) for u in registry.units] == [("a", False), ("b", True), ("c", None)]


def test_empty_cap_and_loai_are_allowed_in_the_file(tmp_path: Path) -> None:
    # Only a TT 24 row for such a unit is refused (`chua-phan-loai`, tests/test_levels.py).
    registry = load(tmp_path, registry_csv([{"id": "a", "name": "A", "cap": "", "loai": "", "last_year": 2023}]))
    unit = registry.get("a")
    assert unit is not None and (unit.cap, unit.loai) == (None, None)


def test_names_are_nfc_and_a_bom_is_fine(tmp_path: Path) -> None:
    text = registry_csv([{"id": "a", "name": "So\u031b\u0309 Y tê\u0301"}])
    registry = load_registry(write(tmp_path, "\ufeff" + text), unit_types())
    unit = registry.get("a")
    assert unit is not None and unit.name == "Sở Y tế"


def test_the_closest_unit_is_found_by_id_or_name(bundled_registry: Registry) -> None:
    near = bundled_registry.closest("so y te long an")
    assert near is not None and near.id == "so-y-te"
    assert bundled_registry.closest("zzqx wvk") is None


# --- a bad file is refused whole, every bad line named -------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        ({"id": "Sở Y tế", "name": "Sở Y tế"}, "units.csv, dòng 3: mã đơn vị «Sở Y tế» chỉ được gồm chữ thường"),
        ({"id": "b", "name": ""}, "units.csv, dòng 3: thiếu name"),
        ({"id": "b", "name": "B", "group": ""}, "units.csv, dòng 3: thiếu group"),
        ({"id": "b", "name": "B", "cap": "xa"}, "units.csv, dòng 3: cap «xa» phải là tinh hoặc huyen"),
        ({"id": "b", "name": "B", "loai": "truong-tu"}, "units.csv, dòng 3: loai «truong-tu» không có trong danh sách"),
        ({"id": "b", "name": "B", "cong_lap": "có lẽ"}, "units.csv, dòng 3: cong_lap «có lẽ» phải là «có» hoặc «không»"),
        ({"id": "b", "name": "B", "first_year": "hai nghìn"}, "units.csv, dòng 3: first_year «hai nghìn» không phải một năm"),
        ({"id": "b", "name": "B", "first_year": ""}, "units.csv, dòng 3: thiếu first_year"),
        ({"id": "b", "name": "B", "first_year": 2025, "last_year": 2024},
         "units.csv, dòng 3: last_year (2024) nhỏ hơn first_year (2025)"),
        ({"id": "b", "name": "B", "successor": "khong-co"},
         "units.csv: đơn vị b có successor «khong-co» không có trong danh mục"),
        ({"id": "so-y-te", "name": "Sở Y tế 2"}, "units.csv: mã đơn vị bị trùng: so-y-te"),
    ],
)
def test_a_bad_row_refuses_the_file_naming_its_line(tmp_path: Path, unit: dict[str, object], message: str) -> None:
    with pytest.raises(RegistryError, match="Danh mục đơn vị không hợp lệ") as caught:
        load(tmp_path, registry_csv([GOOD, unit]))
    assert message in str(caught.value)


def test_every_bad_line_is_listed_at_once(tmp_path: Path) -> None:
    text = registry_csv([{"id": "A", "name": "A"}, GOOD, {"id": "c", "name": "C", "cap": "xa"}])
    with pytest.raises(RegistryError) as caught:
        load(tmp_path, text)
    assert "dòng 2" in str(caught.value) and "dòng 4" in str(caught.value) and "dòng 3" not in str(caught.value)


def test_a_row_with_too_many_or_too_few_cells_is_named(tmp_path: Path) -> None:
    text = REGISTRY_HEADER + "so-y-te,Sở Y tế,Sở Y tế,Khối,Cấp tỉnh,Sở GD&ĐT,2020,,tinh,co-quan,,,thừa\n"
    with pytest.raises(RegistryError, match=r"units\.csv, dòng 2: số cột không khớp"):
        load(tmp_path, text)
    with pytest.raises(RegistryError, match=r"units\.csv, dòng 2: số cột không khớp"):
        load(tmp_path, REGISTRY_HEADER + "so-y-te,Sở Y tế\n")


def test_a_file_without_the_required_columns_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match=r"units\.csv: thiếu cột first_year, last_year"):
        load(tmp_path, "id,name,short_name,group,level,reviewing_body\nso-y-te,Sở Y tế,Sở Y tế,Khối,Cấp tỉnh,Sở\n")


def test_a_file_not_in_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes(registry_csv([GOOD]).encode("utf-16"))  # as a "Unicode text" export saves it
    with pytest.raises(RegistryError, match="không phải UTF-8"):
        load_registry(path, unit_types())


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="Không đọc được danh mục đơn vị"):
        load_registry(tmp_path / "khong-co.csv")


def test_a_successor_chain_is_followed_to_the_first_unit(tmp_path: Path) -> None:
    registry = load(tmp_path, registry_csv([
        {"id": "a", "name": "A", "last_year": 2021, "successor": "b"},
        {"id": "b", "name": "B", "first_year": 2022, "last_year": 2024, "successor": "c"},
        {"id": "x", "name": "X", "last_year": 2024, "successor": "c"},
        {"id": "c", "name": "C", "first_year": 2025},
    ]))
    assert set(registry.lineage("c")) == {"a", "b", "c", "x"}
    assert registry.lineage("c")[0] == "c"
    assert registry.lineage("b") == ("b", "a")
