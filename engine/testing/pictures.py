"""A portal page whose tables are published as pictures, as a browser saves it: 报告.html and the 报告_files folder.

The pictures are made by a real browser (Debian's chromium, driven by Playwright), not by our renderer: each table
of the page is photographed as the screen shows it (CSS pixels, 96 to the inch, antialiased), then the table is
replaced in the page by an <img> of that picture. Pictures alternate PNG and JPEG, as portals publish both.

    python -m nianbao.engine.testing.pictures page.html target-folder
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")


def browser() -> str | None:
    """Debian's chromium, when it is installed (never a downloaded one)."""
    return str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")


def with_table_pictures(page: bytes, target: Path, *, scale: float = 1.0, jpeg_quality: int = 80) -> Path:
    """`target` (报告.html) written with each table of `page` replaced by a picture of it in `报告_files/`; the page's
    path. Needs chromium and Playwright."""
    from playwright.sync_api import sync_playwright

    executable = browser()
    if executable is None:
        raise RuntimeError("chromium is not installed")
    folder = target.with_name(f"{target.stem}_files")
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as play:
        chromium = play.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        try:
            view = chromium.new_page(device_scale_factor=scale, viewport={"width": 1000, "height": 800})
            view.set_content(page.decode("utf-8", "replace"), wait_until="load")
            tables = view.query_selector_all("table")
            outer = [t for t in tables if not t.evaluate("t => !!t.parentElement.closest('table')")]
            for number, table in enumerate(outer, start=1):
                kind = "png" if number % 2 else "jpeg"
                name = f"image{number:03d}.{'png' if kind == 'png' else 'jpg'}"
                shot = {"type": kind} if kind == "png" else {"type": kind, "quality": jpeg_quality}
                table.screenshot(path=str(folder / name), **shot)
                table.evaluate(
                    "(t, src) => { const i = document.createElement('img'); i.src = src; t.replaceWith(i); }",
                    f"{folder.name}/{name}",
                )
            html = view.content()
        finally:
            chromium.close()
    if "charset" not in html[:1000].lower():
        html = html.replace("<head>", '<head><meta charset="utf-8">', 1)
    target.write_text(html, encoding="utf-8")
    return target


if __name__ == "__main__":
    made = with_table_pictures(Path(sys.argv[1]).read_bytes(), Path(sys.argv[2]) / Path(sys.argv[1]).name)
    print(made)
