"""Evidence from the scene over real HTTP (issue 14): a phone photo with its GPS position is stored upright
without its metadata, thumbnailed, served to those who may see the case and recorded in the timeline; a renamed
executable, an oversized file, a truncated image and a path in the name are refused with a message and nothing
is stored — no row, no file, no event."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.flows import DISPATCH_GAOZHAO, act, new_case
from tests.web import CSRF, sign_in


def phone_photo(size: tuple[int, int] = (1200, 900)) -> bytes:
    image = Image.new("RGB", size, (40, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (30.0, 46.0, 12.0), 3: "E", 4: (120.0, 45.0, 3.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def routed_case(clients) -> str:
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    return no


def _post(browser, server: str, no: str, files=None, data=None):
    token = CSRF.search(browser.get(f"{server}/cases/{no}", timeout=10).text).group(1)
    return browser.post(f"{server}/cases/{no}/attachments", data={"csrf_token": token, **(data or {})},
                        files=files, timeout=30)


def _stored(app) -> list[Path]:
    return [p for p in Path(app.config["ATTACHMENTS_ROOT"]).rglob("*") if p.is_file()]


def test_a_phone_photo_is_kept_without_its_location_and_shown(app, server, clients, sql, routed_case):
    browser = sign_in(server, "gaozhao")
    raw = phone_photo()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825), "the photo carries a GPS position"
    page = _post(browser, server, routed_case, files={"file": ("现场照片.jpg", raw, "image/jpeg")},
                 data={"note": "路面碎玻璃"})
    assert page.status_code == 200 and "已添加：现场照片.jpg" in page.text
    rows = sql("SELECT id, kind, content_type, path, thumb_path, added_by FROM attachments")
    assert len(rows) == 1 and rows[0][1:3] == ("photo", "image/jpeg") and rows[0][5] == "gaozhao"
    stored = Image.open(Path(app.config["ATTACHMENTS_ROOT"]) / rows[0][3])
    assert not stored.getexif(), "no EXIF at all: no GPS, no camera"
    assert stored.size == (1200, 900)
    thumb = browser.get(f"{server}/cases/{routed_case}/attachments/{rows[0][0]}/thumb", timeout=10)
    assert thumb.status_code == 200 and thumb.headers["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumb.content)).size) == 320
    assert f"/attachments/{rows[0][0]}/thumb" in page.text and "路面碎玻璃" in page.text
    events = clients("supervisor").get(f"/cases/{routed_case}/events").json()["items"]
    assert (events[-1]["kind"], events[-1]["actor"]) == ("attachment.added", "gaozhao")
    other = sign_in(server, "wangjiangjing")
    assert other.get(f"{server}/cases/{routed_case}/attachments/{rows[0][0]}/file", timeout=10).status_code == 404


def test_a_video_call_link_is_kept_on_the_case(server, sql, routed_case):
    browser = sign_in(server, "gaozhao")
    page = _post(browser, server, routed_case, data={"video_url": "https://meeting.example.cn/j/8812"})
    assert "已添加：meeting.example.cn" in page.text and 'href="https://meeting.example.cn/j/8812"' in page.text
    assert sql("SELECT kind, url FROM attachments") == [("video_link", "https://meeting.example.cn/j/8812")]
    refused = _post(browser, server, routed_case, data={"video_url": "javascript:alert(1)"})
    assert "请填写视频连线的网址" in refused.text
    assert len(sql("SELECT id FROM attachments")) == 1


@pytest.mark.parametrize("name, content, says", [
    ("photo.jpg", b"\x7fELF\x02\x01\x01" + b"\0" * 4000, "只能添加照片"),
    ("report.pdf", b"MZ\x90\x00" + b"\0" * 4000, "只能添加照片"),
    ("truncated.jpg", phone_photo()[:6000], "已损坏或不完整"),
    ("../../etc/cron.d/x.jpg", phone_photo((64, 64)), "不能包含文件夹或路径"),
    ("big.png", None, "文件过大"),
])
def test_bad_files_are_refused_and_nothing_is_stored(app, server, clients, sql, routed_case, name, content, says):
    if content is None:
        content = b"\x89PNG\r\n\x1a\n" + b"\0" * (app.config["ATTACHMENT_MAX_BYTES"] + 10)
    browser = sign_in(server, "gaozhao")
    events_before = clients("supervisor").get(f"/cases/{routed_case}/events").json()["total"]
    files_before = _stored(app)
    page = _post(browser, server, routed_case, files={"file": (name, content, "image/jpeg")})
    import re
    flashes = re.findall(r"<p class=\"flash[^>]*>([^<]*)<", page.text)
    assert page.status_code == 200 and flashes and says in flashes[0], flashes
    assert sql("SELECT count(*) FROM attachments")[0][0] == 0
    assert _stored(app) == files_before
    assert clients("supervisor").get(f"/cases/{routed_case}/events").json()["total"] == events_before
