"""Photos of a request in the browser: a resident chooses a photo, it goes straight to storage (moto's
S3, presigned POST), she files the request and sees the thumbnail; the grid worker of 荆胡社区 sees
it in the staff detail. A 6 MB image and a PDF are refused in the browser with a clear message.

Residents used here (nobody else's tests count their requests): zz.chen.yu."""

from __future__ import annotations

import struct
import uuid
import zlib

import pytest

from tests.e2e.browser.conftest import SCREENSHOTS
from tests.e2e.browser.site import ELDER, Site

pytestmark = pytest.mark.e2e

RESIDENT, GRID_WORKER = "zz.chen.yu", "zz.wang.fang"


def png(width: int = 240, height: int = 160) -> bytes:
    """A real PNG: a blue sky over a grey street, with a yellow lamp."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            lamp = (x - 170) ** 2 + (y - 50) ** 2 < 300
            row += bytes((250, 210, 40) if lamp else (90, 150, 220) if y < height * 0.6 else (120, 120, 120))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows)))
            + chunk(b"IEND", b""))


class Clean:
    """Failed calls (API or storage), console errors and exceptions of a page."""

    def __init__(self, site: Site) -> None:
        self.site, self.failed, self.console, self.uploads = site, [], [], []
        site.page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        site.page.on("response", lambda r: self.failed.append(f"{r.request.method} {r.url} → {r.status}")
                     if r.status >= 400 else None)
        site.page.on("request", lambda r: self.uploads.append(r.url) if "photo-uploads" in r.url else None)

    def check(self) -> None:
        assert not self.site.errors, self.site.errors
        assert not self.failed, self.failed
        assert not self.console, self.console


def loaded(site: Site, selector: str) -> None:
    """The image was fetched and decoded (from storage, through its presigned URL)."""
    site.page.wait_for_function("s => { const i = document.querySelector(s); return i && i.complete && "
                                "i.naturalWidth > 0; }", arg=selector)


def test_a_resident_files_with_a_photo_and_the_grid_worker_sees_it(open_site):
    resident = open_site("resident")
    clean = Clean(resident)
    resident.sign_in(RESIDENT)
    resident.open("#/requests/new")
    resident.screen("requests-new")
    words = f"6号楼门口路灯不亮，晚上很黑（{uuid.uuid4().hex[:6]}）"
    resident.page.select_option("#f-rq-category", "streetlight-fault")
    resident.page.fill("#f-rq-description", words)
    resident.page.set_input_files("#rq-photo-file", files=[
        {"name": "路灯.png", "mimeType": "image/png", "buffer": png()}])
    resident.page.locator(".rq-thumb--done").filter(has_text="已上传").wait_for()
    loaded(resident, ".rq-thumb--done img")
    assert resident.page.get_by_role("button", name="删除照片 1").is_visible()
    resident.axe("report form with a photo")
    resident.page.screenshot(path=str(SCREENSHOTS / "test_browser_photos--form-390.png"), full_page=True)
    resident.page.get_by_role("button", name="提交").click()

    resident.screen("requests-detail")
    toast = resident.page.locator("#toast").filter(has_text="已提交，编号")
    toast.wait_for()
    number = toast.inner_text().split("编号")[-1].strip()
    thumb = resident.page.get_by_role("link", name="照片 1（点击查看大图）")
    assert thumb.get_attribute("target") == "_blank" and "X-Amz-Signature=" in (thumb.get_attribute("href") or "")
    loaded(resident, ".rq-thumbs img")
    resident.axe("request detail with a photo")
    clean.check()

    staff = open_site("staff", width=1280, height=900)
    watched = Clean(staff)
    staff.sign_in(GRID_WORKER)
    staff.open(f"#/console/requests/{number}")
    staff.screen("console-request")
    assert words in staff.main_text()
    staff.page.get_by_role("link", name="照片 1（点击查看大图）").wait_for()
    loaded(staff, ".rq-thumbs img")
    staff.axe("staff request detail with a photo")
    watched.check()


def test_in_elder_mode_a_6_mb_image_and_a_pdf_are_refused_before_anything_is_sent(open_site):
    site = open_site("elder", init_script=ELDER)
    clean = Clean(site)
    site.sign_in(RESIDENT)
    site.open("#/requests/new")
    site.screen("requests-new")
    site.page.get_by_role("button", name="水电维修").click()
    site.page.locator("#rq-photo-file").wait_for()
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (6 * 1024 * 1024)
    site.page.set_input_files("#rq-photo-file", files=[
        {"name": "大照片.png", "mimeType": "image/png", "buffer": big},
        {"name": "说明书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"}])
    error = site.page.locator("#rq-photos-error")
    error.filter(has_text="超过 5 MB").wait_for()
    assert "“大照片.png”有 6.0 MB，超过 5 MB" in error.inner_text()
    assert "“说明书.pdf”不是照片，只能上传 JPEG、PNG、WebP 或 HEIC 图片" in error.inner_text()
    assert site.page.locator(".rq-thumb").count() == 0 and not clean.uploads  # nothing was sent

    # a good photo next to them: the picker and its preview are large in elder mode
    site.page.set_input_files("#rq-photo-file", files=[{"name": "水管.png", "mimeType": "image/png", "buffer": png()}])
    site.page.locator(".rq-thumb--done").wait_for()
    loaded(site, ".rq-thumb--done img")
    remove = site.page.get_by_role("button", name="删除照片 1")
    assert remove.bounding_box()["height"] >= 72
    assert site.page.eval_on_selector(".rq-thumb img", "e => e.getBoundingClientRect().width") >= 150
    site.axe("elder: report form with a photo")
    site.page.screenshot(path=str(SCREENSHOTS / "test_browser_photos--form-elder.png"), full_page=True)
    remove.click()
    site.page.locator(".rq-thumb").wait_for(state="detached")
    clean.check()
