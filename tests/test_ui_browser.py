"""The UI in headless Chromium: chat, citations, clause browser, calculators, matcher, upload, XSS.

Drives Debian's ``/usr/bin/chromium`` through Playwright against ``policy-assistant ui`` on a
free loopback port with a temporary home (the shipped corpus is ingested once). Saves a
screenshot of each tab to ``$POLICY_ASSISTANT_SCREENSHOTS`` (set it to ``docs/screenshots`` to
refresh the README's pictures), else to pytest's temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import free_port

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is not installed (/usr/bin/chromium); apt-get install chromium fonts-noto-cjk",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
pytest.importorskip("gradio", reason="gradio is not installed (pip install 'gradio>=6,<7')")
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
SHOTS = Path(os.environ["POLICY_ASSISTANT_SCREENSHOTS"]) if os.environ.get("POLICY_ASSISTANT_SCREENSHOTS") \
    else Path(tempfile.gettempdir()) / "policy-assistant-screenshots"
XSS = "<script>alert(1)</script>"
S66 = "lzb-2024-22:s6.6"
START_TIMEOUT_S = 300


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """``policy-assistant ui`` on a free loopback port; yields its base URL."""
    home = tmp_path_factory.mktemp("ui-home")
    port = free_port()
    env = {**os.environ, "POLICY_ASSISTANT_HOME": str(home), "GRADIO_ANALYTICS_ENABLED": "False",
           "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "NO_PROXY": "127.0.0.1,localhost"}
    env.pop("POLICY_ASSISTANT_ADMIN_PASSWORD", None)
    log = open(home / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ui", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if proc.poll() is not None:
            pytest.fail(f"the UI exited with {proc.returncode}:\n{(home / 'server.log').read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the UI did not answer within {START_TIMEOUT_S}s:\n{(home / 'server.log').read_text()}")
        time.sleep(1)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh page on the app; fails the test if any dialog (an executed alert) opens."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.set_default_timeout(60_000)
    yield pg
    context.close()
    assert dialogs == [], f"a script ran in the page: {dialogs}"


def _open(page: Page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_selector("#chat-log", state="attached")


def _ask(page: Page, question: str, n: int) -> None:
    page.locator("#question textarea").fill(question)
    page.click("#ask")
    page.wait_for_function(f"document.querySelectorAll('#chat-log .msg.bot').length >= {n}")


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def _tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def test_empty_chat_shows_examples(page, server):
    _open(page, server)
    expect(page.locator("#chat-log .example")).to_have_count(6)
    expect(page.locator("#chat-log .example").first).to_have_text("我们是白名单企业，收购隔壁厂房有补助吗？")


def test_ask_follow_up_and_citation_panel(page, server):
    _open(page, server)
    _ask(page, "白名单企业以市场价收购隔壁厂房有补助吗？", 1)
    _ask(page, "那股权收购呢？", 2)
    second = page.locator("#chat-log .msg.bot").nth(1)
    expect(second).to_contain_text("按不超过股权收购价格的10%给予补助")
    expect(second.locator(f'a.cite-marker[data-clause="{S66}"]').first).to_have_text("[1]")
    first_card = page.locator("#citations .citation").first
    expect(first_card.locator("a.citation-label")).to_have_text("仑政办〔2024〕22号 六、政策举措（六）支持兼并收购")
    expect(first_card.locator("mark.support").first).to_contain_text("按不超过股权收购价格的10%给予补助")
    _shot(page, "chat.png")


def test_calculation_shows_as_collapsible_process(page, server):
    _open(page, server)
    _ask(page, "评估价2000万，能补多少？", 1)
    details = page.locator("#chat-log details.calc")
    expect(details.locator("summary")).to_have_text("计算过程：land_acquisition_subsidy")
    details.locator("summary").click()
    expect(details.locator(".formula")).to_contain_text("20000000元 × 30% = 6000000元")


def test_xss_question_renders_as_text(page, server):
    _open(page, server)
    _ask(page, XSS, 1)
    expect(page.locator("#chat-log .msg.user .bubble")).to_have_text(XSS)
    expect(page.locator("#chat-log script")).to_have_count(0)


def test_abstention_looks_different(page, server):
    _open(page, server)
    _ask(page, "今天天气怎么样", 1)
    expect(page.locator("#chat-log .msg.bot.abstained .badge")).to_have_text("未找到依据")
    expect(page.locator("#citations .panel-empty")).to_have_text("本次回答没有引用条款。")


def test_click_citation_opens_clause_browser(page, server):
    _open(page, server)
    _ask(page, "那股权收购有补助吗？", 1)
    page.locator(f'#citations a.citation-label[data-clause="{S66}"]').click()
    expect(page.get_by_role("tab", name="条文浏览")).to_have_attribute("aria-selected", "true")
    view = page.locator(f'#clause-view .clause-card[data-id="{S66}"]')
    expect(view.locator(".clause-label")).to_have_text("仑政办〔2024〕22号 六、政策举措（六）支持兼并收购")
    expect(view.locator(".clause-text")).to_contain_text("按照国有土地征收实际评估价给予30%的补助")
    expect(page.locator("#clause-tree a.tree-link.current")).to_have_text("（六）支持兼并收购")
    assert page.url.endswith("?clause=lzb-2024-22%3As6.6")


def test_permalink_opens_clause(page, server):
    _open(page, server + "?clause=lzb-2024-22:a2.r2")
    expect(page.get_by_role("tab", name="条文浏览")).to_have_attribute("aria-selected", "true")
    view = page.locator('#clause-view .clause-card[data-id="lzb-2024-22:a2.r2"]')
    expect(view.locator(".clause-label")).to_have_text("仑政办〔2024〕22号 附件2 各街道（区块）工作任务分解表 新碶")
    expect(view.locator("table.row-table")).to_contain_text("完成老工业区块改造涉企用地（亩）")
    expect(view.locator("a.permalink")).to_have_attribute("href", "?clause=lzb-2024-22:a2.r2")
    page.locator("#clause-search input, #clause-search textarea").first.fill("不低于2.0")
    expect(page.locator("#clause-tree .search-results p").first).to_have_text("找到 2 条包含“不低于2.0”的条款")
    _shot(page, "browser.png")


def test_unknown_permalink_is_explained(page, server):
    _open(page, server + "?clause=nope:s1")
    expect(page.locator("#clause-view .clause-card.missing")).to_contain_text("没有编号为“nope:s1”的条款")


def test_calculator_form(page, server):
    _open(page, server)
    _tab(page, "计算工具")
    field = page.locator("#calc-land_acquisition_subsidy-appraised_value_yuan textarea, "
                         "#calc-land_acquisition_subsidy-appraised_value_yuan input").first
    field.fill("2000万元")
    page.click("#calc-run-land_acquisition_subsidy")
    expect(page.locator("#calc-result .calc-sentence")).to_have_text(
        "按国有土地征收实际评估价2000万元（20000000元）的30%计算，可获补助600万元（6000000元）。")
    expect(page.locator("#calc-result p.calc-clause a")).to_have_text("仑政办〔2024〕22号 六、政策举措（六）支持兼并收购")
    _shot(page, "calc.png")
    field.fill("很多")
    page.click("#calc-run-land_acquisition_subsidy")
    expect(page.locator("#calc-result .badge")).to_have_text("输入有误")
    expect(page.locator("#calc-result")).to_contain_text("appraised_value_yuan")


def test_matcher_form(page, server):
    _open(page, server)
    _tab(page, "政策匹配")
    page.locator("#profile-white_list").get_by_label("是", exact=True).check()
    page.locator("#profile-plan_acquire_land").get_by_label("是", exact=True).check()
    page.get_by_text("金额与面积（用于测算）").click()
    page.locator("#profile-acquisition_appraised_value_yuan textarea, "
                 "#profile-acquisition_appraised_value_yuan input").first.fill("2000万")
    page.click("#match-run")
    result = page.locator("#match-result .match-result")
    expect(result.locator("section.group h3").first).to_have_text(re_group("适用"))
    expect(result).to_contain_text("白名单企业收购土地、厂房补助30%")
    expect(result).to_contain_text("可获补助600万元（6000000元）")
    expect(result.locator(f'p.cites a[data-clause="{S66}"]').first).to_have_text("仑政办〔2024〕22号 六、政策举措（六）支持兼并收购")
    _shot(page, "match.png")


def re_group(name: str):
    import re

    return re.compile(rf"^{re.escape(name)}（\d+）$")


def test_upload_lists_document_and_escapes_its_text(page, server, tmp_path):
    policy = tmp_path / "测试政策-xss.txt"
    policy.write_text("测试政策文件\n\n一、适用范围\n本办法适用于<script>alert(1)</script>测试企业。"
                      "<img src=x onerror=alert(2)>\n\n二、补助标准\n每亩补助1万元。\n", encoding="utf-8")
    _open(page, server)
    _tab(page, "文件管理")
    expect(page.locator("#documents .doc-card").first).to_contain_text("仑政办〔2024〕22号")
    page.locator("#upload-files input[type=file]").set_input_files(str(policy))
    page.wait_for_timeout(1500)  # the file goes to the server before the button can use it
    page.click("#upload-run")
    expect(page.locator("#ingest-report .added")).to_have_text("已导入：测试政策-xss.txt", timeout=120_000)
    card = page.locator('#documents .doc-card[data-doc="测试政策-xss"]')
    expect(card.locator(".doc-title")).to_have_text("测试政策-xss")
    _shot(page, "docs.png")
    card.locator("a.clause-link").click()
    expect(page.get_by_role("tab", name="条文浏览")).to_have_attribute("aria-selected", "true")
    page.locator("#clause-tree").get_by_text("一、适用范围").first.click()
    text = page.locator("#clause-view .clause-text")
    expect(text).to_contain_text("本办法适用于<script>alert(1)</script>测试企业。<img src=x onerror=alert(2)>")
    expect(page.locator("#clause-view script")).to_have_count(0)
    expect(page.locator("#clause-view img")).to_have_count(0)
