"""The search index made through Pagefind's service, page by page, as the build writes the pages.

hoctap speaks the service's protocol itself (`pagefind_service.IndexService`); these
tests hold what it makes against what Pagefind's own command makes of the same
pages, and pin the two ways an index is made in a build (streamed while pages
are written, or read back afterwards) to the same bytes.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT_REPO

sys.path.insert(0, str(ROOT_REPO / "site" / "plugins"))
from hoctap_pages.build_cache import digest
from hoctap_pages.index_feeder import BATCH, IndexFeeder
from hoctap_pages.output_pages import html_pages
from hoctap_pages.pagefind_service import IndexService, SearchIndexError, write_index_files
from hoctap_pages.search import IndexJob
from hoctap_pages.search_splice import spliced_view
from hoctap_pages.search_views import search_view


def page(title: str, body: str) -> bytes:
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><nav>Trang chủ</nav><main data-pagefind-body><h1>{title}</h1><p>{body}</p>"
            f'<table data-pagefind-ignore><tr><td>8,5 điểm</td></tr></table></main></body></html>').encode()


PAGES = {
    "index.html": page("Trang chủ", "Đơn vị học tập tỉnh Tây Ninh"),
    "don-vi/tn-so-y-te/index.html": page("Sở Y tế", "Đức Hòa, Đồng Tháp và đường Điện Biên Phủ"),
    "huong-dan/cong-dan-hoc-tap/index.html": page("Công dân học tập", "Hướng dẫn số 36"),
    "khong-tim/index.html": "<!doctype html><html lang='vi'><body><p>Trang không có vùng tìm kiếm</p></body></html>".encode(),
}


def write_site(folder: Path) -> None:
    for rel, raw in PAGES.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(raw)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def records(index: Path) -> dict[str, dict[str, object]]:
    """Each page's record (fragment): Pagefind gzips them behind a `pagefind_dcd` marker."""
    out = {}
    for path in (index / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(b"pagefind_dcd")
        doc = json.loads(raw.removeprefix(b"pagefind_dcd"))
        out[doc["url"]] = doc
    return out


def test_pages_handed_to_the_service_make_the_records_and_files_pagefinds_command_makes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_site(site)
    service = IndexService(site)
    for rel, raw in PAGES.items():
        if b"data-pagefind-body" in raw:
            service.add(rel, raw)
    service.write(tmp_path / "dich-vu")

    # The command, over a copy of the same pages with đ folded the same way (see search.py's docstring).
    folded = tmp_path / "folded"
    for rel, raw in PAGES.items():
        (folded / rel).parent.mkdir(parents=True, exist_ok=True)
        (folded / rel).write_bytes(raw.replace("đ".encode(), "d\u0335".encode()).replace("Đ".encode(), "D\u0335".encode()))
    from pagefind_bin import get_executable
    subprocess.run([str(get_executable()), "--site", str(folded), "--output-path", str(tmp_path / "lenh"),
                    "--force-language", "vi"], check=True, capture_output=True)

    made, expected = tree(tmp_path / "dich-vu"), tree(tmp_path / "lenh")
    assert len(made) == len(expected)

    def whole(files: dict[str, bytes]) -> dict[str, bytes]:
        return {k: v for k, v in files.items() if k.startswith("fragment/") or k.endswith((".js", ".css", ".pagefind"))}

    # Every file whole (the service's own WriteFiles can leave one cut short) and every page record the same;
    # only the word index, its metadata and entry file, which number the pages in the order they came, differ.
    assert whole(made) == whole(expected)
    rest = sorted(set(made) - set(whole(made)))
    assert len(rest) == 3 and rest[0].startswith("index/") and rest[1] == "pagefind-entry.json", rest
    assert rest[2].startswith("pagefind.vi_") and rest[2].endswith(".pf_meta"), rest
    pages = records(tmp_path / "dich-vu")
    assert sorted(pages) == ["/", "/don-vi/tn-so-y-te/", "/huong-dan/cong-dan-hoc-tap/"]
    content = str(pages["/don-vi/tn-so-y-te/"]["content"])
    assert "D\u0335ức Hòa" in content and "d\u0335ường" in content
    assert "8,5" not in content  # an ignored region stays out


def test_an_index_streamed_while_pages_are_written_equals_one_made_from_the_pages_afterwards(tmp_path: Path) -> None:
    streamed, afterwards = tmp_path / "a", tmp_path / "b"
    for folder in (streamed, afterwards):
        folder.mkdir()
        (folder / "huong-dan" / "cong-dan-hoc-tap").mkdir(parents=True)  # Pelican's page, written before ours
        (folder / "huong-dan/cong-dan-hoc-tap/index.html").write_bytes(PAGES["huong-dan/cong-dan-hoc-tap/index.html"])
    ours = ["index.html", "don-vi/tn-so-y-te/index.html", "khong-tim/index.html"]

    job = IndexJob(streamed, None)
    job.begin()
    assert job.service is not None  # no previous build: streamed
    for rel in ours:
        (streamed / rel).parent.mkdir(parents=True, exist_ok=True)
        (streamed / rel).write_bytes(PAGES[rel])
        job.page(rel)
    job.finish()

    write_site(afterwards)
    job = IndexJob(afterwards, None)
    job.order = ["huong-dan/cong-dan-hoc-tap/index.html", *ours]  # what `begin` and `page` would have noted
    freed: list[int] = []
    job.release = lambda: freed.append(len(freed))  # the build's results, kept while the index looked kept
    job.finish()
    assert freed == [0] and job.release is None  # freed once, before indexing started
    assert tree(streamed / "pagefind") == tree(afterwards / "pagefind")
    assert len(records(streamed / "pagefind")) == 3


def test_a_service_that_dies_fails_the_index_in_vietnamese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hoctap_pages.pagefind_service as service

    monkeypatch.setattr(service, "_executable", lambda: Path("/bin/false"))
    with pytest.raises(SearchIndexError, match="Pagefind thất bại"):
        IndexService(tmp_path)


def test_a_service_that_dies_while_pages_are_written_stops_the_build_at_the_next_page(tmp_path: Path) -> None:
    service = IndexService(tmp_path)
    service.add("index.html", PAGES["index.html"])
    service.proc.kill()
    service.proc.wait()
    with pytest.raises(SearchIndexError, match="Pagefind thất bại"):
        for _ in range(3):  # the pipe may take one more page before it breaks
            service.add("don-vi/tn-so-y-te/index.html", PAGES["don-vi/tn-so-y-te/index.html"])
    service.stop()


def test_an_index_without_a_single_word_is_refused(tmp_path: Path) -> None:
    service = IndexService(tmp_path)
    service.add("index.html", b'<!doctype html><html lang="vi"><body><main data-pagefind-body></main></body></html>')
    with pytest.raises(SearchIndexError, match="không lập chỉ mục được trang nào"):
        service.write(tmp_path / "pagefind")
    service.stop()
    assert not (tmp_path / "pagefind").exists()


# Inside ignored regions: metadata (on the region itself and inside it), a heading Pagefind may take as the
# title, an anchor, an image, and in a page without a <title> an SVG's title.
TRICKY = {
    "meta/index.html": (
        '<!doctype html><html lang="vi"><head><title>Sở Tư pháp</title></head><body><main data-pagefind-body>'
        '<h2 id="dau">Đầu</h2><p>Văn bản của Sở</p><section id="nam-2025" data-pagefind-ignore><h2>Năm 2025</h2>'
        '<table><tr><td>8,5</td><td><img src="a.png" alt="Ảnh đại diện"></td></tr></table>'
        '<div><span data-pagefind-meta="muc_do">Mức độ <b>2</b></span> và <em>đủ</em></div>'
        '<p data-pagefind-filter="khoi">Khối chính quyền</p><i data-pagefind-sort="diem">85</i></section>'
        '<p data-pagefind-ignore data-pagefind-meta="so">42 điểm</p><p>Hết.</p></main></body></html>').encode(),
    "untitled/index.html": (
        '<!doctype html><html lang="vi"><head></head><body><main data-pagefind-body><div data-pagefind-ignore>'
        '<h1>Tiêu đề ẩn</h1><figure><svg><title>90 điểm</title></svg></figure></div><p>Nội dung Đồng Nai</p>'
        '</main></body></html>').encode(),
    "chart/index.html": (
        '<!doctype html><html lang="vi"><body><main data-pagefind-body><figure data-pagefind-ignore><svg>'
        '<title>Biểu đồ điểm</title><rect width="9"/></svg></figure><p>Kết quả từng năm</p></main></body></html>').encode(),
    # What markupsafe writes and a parser would write back otherwise: escaped quotes at the end of a text and
    # in an ignored image's alt text, an ampersand; and an ignored count inside a heading with an id (an anchor,
    # whose text is the heading's whole text).
    "escaped/index.html": (
        '<!doctype html><html lang="vi"><head><title>Trường &#34;Hoa Sen&#34; &amp; Sở</title></head><body>'
        '<main data-pagefind-body><h1>Trường &#34;Hoa Sen&#34;</h1><p>Khẩu hiệu &#34;Học suốt đời&#34;</p>'
        '<h2 id="ket-qua">Kết quả <span data-pagefind-ignore>(12 <b>đơn vị</b>)</span> năm nay</h2>'
        '<p>Lớp &#39;A&#39; &lt;1&gt;</p><div data-pagefind-ignore><img src="x.png" alt="Ảnh &#34;cổng&#34; &amp; sân">'
        '<table><tr><td>9,5</td></tr></table></div><p>Cuối &#34;trang&#34;</p></main></body></html>').encode(),
    # What cutting regions from the bytes must not be fooled by: the attribute's name in text and in a value, an
    # upper-case region, regions nested, an id written last or bare, a self-closed SVG element with an id, a
    # heading and a metadata element kept whole, a paragraph region whose end tag is written.
    "cut/index.html": (
        '<!doctype html><html lang="vi"><head><title>Cắt</title></head><body><main data-pagefind-body>'
        '<p title="x data-pagefind-ignore y">Chữ data-pagefind-ignore trong câu</p>'
        '<DIV DATA-PAGEFIND-IGNORE><P>Hoa <B>to</B></P><SPAN ID="hoa">HOA</SPAN></DIV>'
        '<section data-pagefind-ignore><div><div data-pagefind-ignore>trong <span id=a-1>cùng</span></div></div>'
        '<svg><line id="duong" x1="0"/><title>Tiêu đề hình</title></svg><h1 id="ten">Tên <i>nghiêng</i></h1>'
        '<p data-pagefind-meta="ghi_chu">Ghi chú <b>đậm</b></p><table><tr><td id>ô</td></tr></table></section>'
        '<p class="x" data-pagefind-ignore>Đoạn <a href="#" id="lien-ket">ẩn</a></p>'
        '<p>Kết thúc</p></main></body></html>').encode(),
    # What it cannot be sure of: the whole page is its own view. A comment, and a paragraph whose end is implied
    # (where Pagefind, reading tag by tag, ignores everything after it).
    "uncut/index.html": (
        '<!doctype html><html lang="vi"><head><title>Không cắt</title></head><body><main data-pagefind-body>'
        '<figure data-pagefind-ignore><!-- <h1>không</h1> --><p>Hình</p></figure><p>Giữa</p>'
        '<p data-pagefind-ignore>Đoạn ẩn<div id="khoi">Khối</div><p>Kết thúc</p></main></body></html>').encode(),
    # From the review of the cut: an element inside that excludes all it holds (its heading and filter would show
    # once it is dropped), `/>` on an HTML element (the slash is ignored: the element stays open), and an id
    # written straight after a quoted value.
    "all/index.html": (
        '<!doctype html><html lang="vi"><head><title>Tất cả</title></head><body><main data-pagefind-body>'
        '<div data-pagefind-ignore><div data-pagefind-ignore="all"><h1>Ẩn</h1>'
        '<span data-pagefind-filter="khoi">X</span></div></div><p>Nội dung</p></main></body></html>').encode(),
    "slash/index.html": (
        '<!doctype html><html lang="vi"><head><title>Gạch chéo</title></head><body><main data-pagefind-body>'
        '<div data-pagefind-ignore><div class="o"/>a</div>bỏ qua</div><h2 id="t"/>Tên</h2><p>Hết</p>'
        '</main></body></html>').encode(),
    "glued/index.html": (
        '<!doctype html><html lang="vi"><head><title>Liền</title></head><body><main data-pagefind-body>'
        '<div data-pagefind-ignore><span class="a"id="x">neo</span></div><h2 id="sau">Sau</h2><p>Hết</p>'
        '</main></body></html>').encode(),
    "implied/index.html": (
        '<!doctype html><html lang="vi"><head><title>Ngầm</title></head><body><main data-pagefind-body><p>Mở</p>'
        '<p data-pagefind-ignore>Đoạn ẩn<div id="khoi">Khối</div><p>Kết thúc</p></main></body></html>').encode(),
}


def index_of(folder: Path, pages: dict[str, bytes], out: Path) -> dict[str, bytes]:
    service = IndexService(folder)
    for rel, raw in pages.items():
        service.add(rel, raw)
    service.write(out)
    return tree(out)


@pytest.mark.parametrize("site", ["sample_site", "small_site", "tricky"])
def test_pagefind_makes_from_each_pages_search_view_the_index_it_makes_from_the_whole_page(
        site: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """The build hands Pagefind search views (`index_feeder`): on every page of the sample site, of the small
    site's hostile names, and of pages that hide what Pagefind reads in ignored regions, the index is the same.
    Every page the templates write is cut from its bytes; a page it cannot be sure of is its own view."""
    if site == "tricky":
        output = tmp_path / "site"
        for rel, raw in TRICKY.items():
            (output / rel).parent.mkdir(parents=True)
            (output / rel).write_bytes(raw)
    else:
        built = request.getfixturevalue(site)
        output = built if isinstance(built, Path) else built.project / "output"
    whole = {rel: raw for rel in html_pages(output) if b"data-pagefind-body" in (raw := (output / rel).read_bytes())}
    views = {rel: search_view(raw) for rel, raw in whole.items()}
    uncut = {rel for rel, raw in whole.items() if spliced_view(raw) is None}
    assert uncut == ({f"{name}/index.html" for name in ("uncut", "implied", "all", "slash", "glued")}
                     if site == "tricky" else set())
    assert len(whole) >= 2
    assert sum(map(len, views.values())) < sum(map(len, whole.values()))
    made = index_of(output, views, tmp_path / "tu-ban-rut-gon")
    assert made == index_of(output, whole, tmp_path / "tu-ca-trang")
    assert len(records(tmp_path / "tu-ban-rut-gon")) == len(whole)
    if site == "tricky":
        found = records(tmp_path / "tu-ban-rut-gon")
        d = "d\u0335"  # đ as it is handed to Pagefind (see search.py)
        assert found["/meta/"]["meta"] == {"title": "Sở Tư pháp", "muc_do": f"Mức {d}ộ 2", "so": f"42 {d}iểm"}
        assert found["/meta/"]["filters"] == {"khoi": ["Khối chính quyền"]}
        assert found["/untitled/"]["meta"]["title"] == f"Tiêu {d}ề ẩn"
        assert found["/chart/"]["meta"]["title"] == f"Biểu {d}ồ {d}iểm"
        assert "8,5" not in str(found["/meta/"]["content"])


def test_the_indexing_process_reads_each_named_page_back_and_indexes_its_search_view(tmp_path: Path) -> None:
    write_site(tmp_path)
    feeder = IndexFeeder(tmp_path)
    for rel in PAGES:  # the page without a search body is read and left out
        feeder.add(rel)
    read = feeder.write(tmp_path / "pagefind")
    assert feeder.proc.returncode == 0
    searched = {rel: raw for rel, raw in PAGES.items() if b"data-pagefind-body" in raw}
    # It tells the build each page's digest, as the manifest records it, and whether the index holds it.
    assert read == {rel: (digest(raw), rel in searched) for rel, raw in PAGES.items()}
    assert len(searched) == 3
    assert tree(tmp_path / "pagefind") == index_of(tmp_path, searched, tmp_path / "ca-trang")


def test_an_indexing_process_that_dies_stops_the_build_within_a_batch_of_pages(tmp_path: Path) -> None:
    write_site(tmp_path)
    feeder = IndexFeeder(tmp_path)
    feeder.add("index.html")
    feeder.proc.kill()
    feeder.proc.wait()
    added = 1
    with pytest.raises(SearchIndexError, match="Pagefind thất bại: tiến trình lập chỉ mục dừng đột ngột"):
        while added < 3 * BATCH:  # names go a batch at a time; the pipe may take one more batch before it breaks
            feeder.add("don-vi/tn-so-y-te/index.html")
            added += 1
    assert added <= 2 * BATCH
    feeder.stop()


def test_a_page_the_process_cannot_read_is_named_in_vietnamese(tmp_path: Path) -> None:
    write_site(tmp_path)
    feeder = IndexFeeder(tmp_path)
    feeder.add("index.html")
    feeder.add("khong-co/index.html")
    with pytest.raises(SearchIndexError, match=r"Không đọc được trang khong-co/index\.html để lập chỉ mục"):
        feeder.write(tmp_path / "pagefind")
    assert feeder.proc.returncode is not None and not (tmp_path / "pagefind" / "pagefind.js").exists()


@pytest.mark.parametrize("path", ["../hack.js", "/etc/hack.js", "fragment/../../hack.js", "", "a//b.js", "a\\..\\b.js"])
def test_an_index_file_that_would_land_outside_the_index_folder_is_refused(tmp_path: Path, path: str) -> None:
    files = [{"path": "pagefind.js", "content": "YQ=="}, {"path": path, "content": "YQ=="}]
    with pytest.raises(SearchIndexError, match="tệp ngoài thư mục chỉ mục"):
        write_index_files(files, tmp_path / "pagefind")
    assert not (tmp_path / "pagefind").exists()  # nothing written, not even the good file
    assert not (tmp_path / "hack.js").exists()


def test_the_index_files_are_written_in_their_folders(tmp_path: Path) -> None:
    files = [{"path": "pagefind.js", "content": "YQ=="}, {"path": "fragment/vi_1.pf_fragment", "content": "Yg=="},
             {"path": "fragment/vi_2.pf_fragment", "content": "Yw=="}, {"path": "index/x/y.pf_index", "content": ""}]
    write_index_files(files, tmp_path / "pagefind")
    assert tree(tmp_path / "pagefind") == {"pagefind.js": b"a", "fragment/vi_1.pf_fragment": b"b",
                                            "fragment/vi_2.pf_fragment": b"c", "index/x/y.pf_index": b""}


def test_an_index_of_no_page_is_refused_by_the_process(tmp_path: Path) -> None:
    write_site(tmp_path)
    feeder = IndexFeeder(tmp_path)
    feeder.add("khong-tim/index.html")
    with pytest.raises(SearchIndexError, match="không lập chỉ mục được trang nào"):
        feeder.write(tmp_path / "pagefind")
