"""Review pages: every highlight and finding is there, and a browser can follow them."""

from __future__ import annotations

import csv
import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from eval.synth import render_report
from extractor.cli import main
from extractor.extract import extract_path
from extractor.review.corpus import Carry, body_key, carry_chain
from extractor.review.pages import index_page
from tests.test_summary import problem_report
from tests.test_tables import GRANTED_52, zero_cells

ROOT = Path(__file__).resolve().parent.parent
APP = "applications.{}.{}".format


class Marks(HTMLParser):
    """The data-cell / data-claim highlights and the findings of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: set[str] = set()
        self.claims: set[str] = set()
        self.rules: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "mark" and "data-cell" in a:
            self.cells.add(a["data-cell"])
        if tag == "mark" and "data-claim" in a:
            self.claims.add(a["data-claim"])
        if tag == "li" and a.get("data-status") == "failed":
            self.rules.append(a["data-rule"])


def carry_pair(folder: Path) -> None:
    """Two years of one body whose carry chain breaks: 2 carried out, 0 carried in."""
    before = zero_cells(
        **{
            "applications__new__natural": 2,
            "applications__new__total": 2,
            "applications__carried_out__natural": 2,
            "applications__carried_out__total": 2,
        }
    )
    after = dict(GRANTED_52)
    (folder / "fy2023.txt").write_text(
        render_report(before, body="测试县人民政府", year=2023), encoding="utf-8"
    )
    (folder / "fy2024.txt").write_text(
        render_report(after, body="测试县", year=2024), encoding="utf-8"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    inputs = tmp_path_factory.mktemp("in")
    for p in (ROOT / "examples").glob("*.txt"):
        shutil.copy(p, inputs / p.name)
    # Long prose first, so that the tables start well below the first screen.
    padded = problem_report().replace(
        "一、总体情况\n", "一、总体情况\n" + "本年度政务公开工作稳步推进。\n" * 120, 1
    )
    (inputs / "problem.txt").write_text(padded, encoding="utf-8")
    carry_pair(inputs)
    out = tmp_path_factory.mktemp("site")
    assert main([str(inputs), "-q", "--html", str(out), "-o", str(out / "records.jsonl")]) == 0
    return inputs, out


def page_of(out: Path, name: str) -> Path:
    [page] = (out / "reports").glob(f"{name}-*.html")
    return page


def test_every_read_cell_and_claim_is_highlighted_and_every_finding_listed(site):
    inputs, out = site
    for source in sorted(inputs.iterdir()):
        record = extract_path(source)
        marks = Marks()
        marks.feed(page_of(out, source.stem).read_text(encoding="utf-8"))
        assert marks.cells == set(record.evidence), source.name
        assert marks.claims == {str(i) for i in range(len(record.claims))}
        failed = sorted(f.rule for f in record.findings if f.status == "failed")
        assert sorted(marks.rules) == failed
    problem = Marks()
    problem.feed(page_of(out, "problem").read_text(encoding="utf-8"))
    assert {"balance", "outcome_sum", "narrative_mismatch"} <= set(problem.rules)


def test_a_contradiction_shows_its_readings_and_a_doubtful_figure_shows_as_a_reading_doubt():
    from extractor.review.pages import report_page
    from tests.conftest import read_text

    prose = "共收到政府信息公开申请53件，其中予以公开52件。全年作出行政处罚决定7件。"
    text = render_report(GRANTED_52, prose=prose).replace("行政处罚\t0", "行政处罚\t—")
    page = report_page(read_text(text), text, "p")
    # The contradiction: its quote, its cells with their values, every reading tried.
    assert (
        "正文「收到政府信息公开申请53件」说 53，表格 本年新收/总计 = 52（另试 本年新收/总计 + "
        "上年结转/总计 = 52 + 0 = 52；总计/总计 = 52）"
    ) in page
    assert 'class="claim bad" title="53：与表格不一致；本年新收/总计 = 52' in page
    # The figure about a blank cell is our doubt, listed apart and marked as such.
    doubts = page[page.index("正文数字无法核对（读取存疑，不是报告的错误）（1）") :]
    assert 'data-target="claim:2">正文「行政处罚决定7件」说 7：无法与表格核对' in doubts
    assert 'class="claim doubt" title="7：无法核对（行政处罚/处理决定数 空白）' in page


def test_index_csv_and_carry_chain(site):
    _, out = site
    index = (out / "index.html").read_text(encoding="utf-8")
    data = json.loads(
        index[index.index("var DATA = ") + len("var DATA = ") : index.index(";</script>")]
    )
    assert len(data["rows"]) == 8
    pair = {r["source"].rsplit("/", 1)[-1]: r for r in data["rows"]}
    assert pair["fy2023.txt"]["rules"]["carry_chain"] == 1
    assert pair["fy2024.txt"]["rules"]["carry_chain"] == 1
    assert "carry_chain" in data["rules"]
    rows = list(csv.DictReader((out / "findings.csv").open(encoding="utf-8-sig")))
    chain = [r for r in rows if r["rule"] == "carry_chain"]
    assert len(chain) == 2 and "上年报告结转下年度 2，本年报告上年结转 0" in chain[0]["message"]
    carry = (out / "carry.js").read_text(encoding="utf-8")
    assert carry.startswith("window.CARRY = ") and "衔接不上" in carry
    assert "http://" not in index and "https://" not in index  # nothing from a CDN


def test_body_names_are_normalised_for_the_chain():
    assert body_key("抚远市人民政府") == body_key("抚远市 ") == "抚远市"
    assert body_key("阜新市细河区") == "阜新市细河区"
    cells = zero_cells()
    a = Carry.of("a", "某县人民政府", 2022, cells)
    b = Carry.of("b", "某县", 2023, cells)
    c = Carry.of("c", "某县", 2025, cells)
    assert carry_chain([a, b, c]) == {}
    cells_b = dict(cells, **{APP("carried_in", "legal"): 1})
    found = carry_chain([a, Carry.of("b", "某县", 2023, cells_b)])
    assert set(found) == {"a", "b"} and found["a"][0].rule == "carry_chain"


# --- in a real browser ----------------------------------------------------------------------

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and DRIVER):
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: scripts/install-browser installs Chromium")
        pytest.skip("Chromium and chromedriver are not installed (scripts/install-browser)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,900",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


IN_VIEW = """
const r = arguments[0].getBoundingClientRect(), box = arguments[1].getBoundingClientRect();
return r.top >= box.top && r.bottom <= box.bottom && r.height > 0;
"""


def test_clicking_a_finding_brings_its_evidence_into_view(site, browser, tmp_path):
    from selenium.webdriver.common.by import By

    _, out = site
    browser.get(page_of(out, "problem").as_uri())
    flagged = browser.find_element(By.CSS_SELECTOR, f'mark[data-cell="{APP("total", "natural")}"]')
    assert {"bad", "culprit"} & set(flagged.get_attribute("class").split())
    assert flagged.is_displayed()
    text = browser.find_element(By.ID, "text")
    browser.execute_script("arguments[0].scrollTop = 0; window.scrollTo(0, 0);", text)
    assert not browser.execute_script(IN_VIEW, flagged, text)
    finding = browser.find_element(By.CSS_SELECTOR, 'li[data-rule="balance"]')
    target = finding.get_attribute("data-target")
    assert target == f"cell:{APP('new', 'natural')}"  # the first of its cells: 本年新收/自然人
    evidence = browser.find_element(By.CSS_SELECTOR, f'mark[data-cell="{target[5:]}"]')
    assert not browser.execute_script(IN_VIEW, evidence, text)
    finding.click()
    assert browser.execute_script(IN_VIEW, evidence, text)
    assert browser.execute_script(
        "return arguments[0].getBoundingClientRect().bottom <= window.innerHeight", evidence
    )
    assert "flash" in evidence.get_attribute("class") and "bad" in evidence.get_attribute("class")
    browser.find_element(By.CSS_SELECTOR, f'td[data-key="{APP("total", "natural")}"]').click()
    assert browser.execute_script(IN_VIEW, flagged, text)
    claim = browser.find_element(By.CSS_SELECTOR, 'li[data-rule="narrative_mismatch"]')
    claim.click()
    quote = browser.find_element(By.CSS_SELECTOR, "mark.claim.bad")
    assert quote.text == "予以公开50件" and browser.execute_script(IN_VIEW, quote, text)
    shot = tmp_path / "report.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


def test_the_carry_chain_shows_on_both_pages(site, browser):
    from selenium.webdriver.common.by import By

    _, out = site
    for name in ("fy2023", "fy2024"):
        browser.get(page_of(out, name).as_uri())
        items = browser.find_elements(By.CSS_SELECTOR, "#carry li")
        assert len(items) == 1 and "衔接不上" in items[0].text


def test_the_index_pages_sorts_and_filters_ten_thousand_reports(tmp_path, browser):
    from selenium.webdriver.common.by import By

    rows = [
        {
            "source": f"r/{i:05d}.txt",
            "body": f"机关{i % 997}",
            "year": 2020 + i % 5,
            "format": "2021",
            "problems": i % 7,
            "doubts": 0,
            "rules": {"balance": 1} if i % 7 else {},
            "page": "",
        }
        for i in range(10_000)
    ]
    (tmp_path / "index.html").write_text(index_page(rows, ["balance"]), encoding="utf-8")
    browser.get((tmp_path / "index.html").as_uri())
    count = browser.find_element(By.ID, "count")
    assert count.text == "10000 份报告 · 第 1/100 页"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#rows tr")) == 100
    first = browser.find_element(By.CSS_SELECTOR, "#rows tr td:nth-child(4)").text
    assert first == "6"  # sorted by problems, most first
    browser.find_element(By.ID, "next").click()
    assert count.text == "10000 份报告 · 第 2/100 页"
    browser.find_element(By.ID, "q").send_keys("机关996")
    assert browser.find_element(By.ID, "count").text.startswith("10 份报告")
    browser.find_element(By.CSS_SELECTOR, 'th[data-key="year"]').click()
    years = [
        int(td.text) for td in browser.find_elements(By.CSS_SELECTOR, "#rows tr td:nth-child(2)")
    ]
    assert years == sorted(years)


def test_the_numbers_the_prose_pass_could_not_place_are_listed_and_marked():
    from extractor.review.pages import report_page
    from extractor.review.summary import report_summary
    from tests.conftest import read_text

    # 部门文件 is neither 规章 nor 规范性文件: which row it counts, the rules cannot say.
    prose = "共收到政府信息公开申请52件。全年主动公开部门文件15件。"
    text = render_report(GRANTED_52, prose=prose)
    record = read_text(text)
    [n] = record.prose.undecided
    assert (n.value, n.unit, text[n.start : n.end]) == (15, "件", "15")
    page = report_page(record, text, "p")
    listed = page[page.index("正文中未能判断的数字（1/") :]
    assert 'data-target="number:0">「全年主动公开部门文件15件」中的 15件' in listed
    assert '<mark data-number="0" class="undecided" title="未能判断">15</mark>' in page
    summary = report_summary(record, text)
    assert "- 「全年主动公开部门文件15件」中的 15件（第" in summary
