"""The report in a real browser: headless Chromium prints it to a PDF of A4 pages that all
carry text (the print stylesheet), and renders it on screen (a screenshot that is not blank).

Skipped, with the reason, when no Chromium or Chrome is installed or pypdf is missing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from tests.report.folders import check_self_contained
from tierwise.report.build import build_report, write_report

#: Browsers tried, in order.
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
#: A4 in PostScript points.
A4_POINTS = (595.3, 841.9)


def _browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(f"no headless browser: none of {', '.join(BROWSERS)} is on PATH")


def _headless(browser: str, profile: Path, *args: str) -> None:
    command = [
        browser,
        "--headless",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        f"--user-data-dir={profile}",
        *args,
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=180)


@pytest.fixture(scope="module")
def page(run_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real run's report with a company name and a logo."""
    root = tmp_path_factory.mktemp("print")
    fig = plt.figure(figsize=(2, 0.6), dpi=100)
    fig.text(0.05, 0.3, "ACME", fontsize=22, color="#0b5cad")
    fig.savefig(root / "logo.png")
    plt.close(fig)
    report = build_report(run_dir, company="Acme Distribution", logo=root / "logo.png")
    check_self_contained(report.html)
    return write_report(report, root / "report.html")


def test_the_report_prints_to_a4_pages_that_all_carry_text(page: Path, tmp_path: Path) -> None:
    browser = _browser()
    pypdf = pytest.importorskip("pypdf", reason="pypdf (the dev extra) reads the printed PDF")
    pdf = tmp_path / "report.pdf"
    _headless(
        browser,
        tmp_path / "profile",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page.as_uri(),
    )
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) >= 3  # summary, assumptions and evidence, definitions
    texts = []
    for number, sheet in enumerate(reader.pages, 1):
        size = (float(sheet.mediabox.width), float(sheet.mediabox.height))
        assert size == pytest.approx(A4_POINTS, abs=1.0), (number, size)
        text = sheet.extract_text() or ""
        assert text.strip(), f"page {number} of {len(reader.pages)} has no text"
        texts.append(text)
    first = texts[0]
    assert "Acme Distribution" in first and "Executive summary" in first
    assert "Recommended plan" in first and "Tier A" in first
    # the summary ends its page: the assumptions start on a later one
    assert "Assumptions" not in first.split("Executive summary", 1)[1]
    assert "Executive summary" not in " ".join(texts[1:])


def test_the_report_renders_on_screen(page: Path, tmp_path: Path) -> None:
    browser = _browser()
    from PIL import Image

    shot = tmp_path / "report.png"
    _headless(
        browser,
        tmp_path / "profile",
        f"--screenshot={shot}",
        "--window-size=1280,4000",
        "--hide-scrollbars",
        page.as_uri(),
    )
    with Image.open(shot) as image:
        assert image.size == (1280, 4000)
        pixels = np.asarray(image.convert("L"), dtype=float)
    inked = pixels < 200  # text, rules, figures
    assert inked.mean() > 0.01, "the screenshot is blank"
    bands = inked.reshape(40, 100, 1280).any(axis=(1, 2))  # 100-pixel bands down the page
    assert bands.mean() > 0.9, f"empty bands: {np.flatnonzero(~bands).tolist()}"
