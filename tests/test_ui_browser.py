"""The UI in headless Chromium: chat, citations, clause browser, calculators, matcher, upload, XSS.

Drives Debian's ``/usr/bin/chromium`` through Playwright against ``policy-assistant ui`` on a
free loopback port with a temporary home (the shipped corpus is ingested once). Saves a
screenshot of each tab to ``$POLICY_ASSISTANT_SCREENSHOTS`` (set it to ``docs/screenshots`` to
refresh the README's pictures), else to pytest's temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import re
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
S66_LABEL = "仑政办〔2024〕22号 六、政策举措（六）支持兼并收购"
START_TIMEOUT_S = 300


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """``policy-assistant ui`` on a free loopback port; yields its base URL."""
    home = tmp_path_factory.mktemp("ui-home")
    port = free_port()
    env = {**os.environ, "POLICY_ASSISTANT_HOME": str(home), "GRADIO_ANALYTICS_ENABLED": "False",
           "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "NO_PROXY": "127.0.0.1,localhost"}
    env.pop("POLICY_ASSISTANT_ADMIN_PASSWORD", None)
    with _ui_server(env, port, home / "server.log") as url:
        yield url


@contextlib.contextmanager
def _ui_server(env: dict[str, str], port: int, log_path: Path):
    """Run ``policy-assistant ui`` with ``env`` on ``port`` until it answers; yield its URL,
    stop it after (the log names why when it never answered)."""
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ui", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the UI exited with {proc.returncode}:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the UI did not answer within {START_TIMEOUT_S}s:\n{log_path.read_text()}")
            time.sleep(1)
        yield url
    finally:
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
def page(browser, server, request):
    """A fresh page on the app; fails the test if any dialog (an executed alert) opens.
    ``@pytest.mark.parametrize("page", [{"width": 390, "height": 844, "locale": "en-US"}], indirect=True)``
    changes the viewport or the browser language."""
    opts = {"width": 1400, "height": 1000, "locale": "zh-CN", **getattr(request, "param", {})}
    context = browser.new_context(viewport={"width": opts["width"], "height": opts["height"]}, locale=opts["locale"])
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
    page.wait_for_selector("#chat-notice [data-loaded]", state="attached")  # the page's load event ran


def _ask(page: Page, question: str, n: int) -> None:
    page.locator("#question textarea").fill(question)
    page.click("#ask")
    page.wait_for_function(f"document.querySelectorAll('#chat-log .msg.bot:not(.pending)').length >= {n}")


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def _tab(page: Page, name: str) -> None:
    tab = page.get_by_role("tab", name=name)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")


def _in_viewport(page: Page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def _search(page: Page, text: str) -> None:
    page.locator("#clause-search input, #clause-search textarea").first.fill(text)


# -- chat -------------------------------------------------------------------------------------------
def test_empty_chat_shows_examples_per_user_group(page, server):
    import tomllib

    groups = tomllib.loads((ROOT / "corpus" / "lzb-2024-22.examples.toml").read_text(encoding="utf-8"))["group"]
    _open(page, server)
    expect(page.locator("#chat-log .example-group h4")).to_have_text([f"{g['who']}可以这样问" for g in groups])
    expect(page.locator("#chat-log .example")).to_have_text([q for g in groups for q in g["questions"]])


def test_clicking_an_example_asks_it(page, server):
    _open(page, server)
    example = page.locator("#chat-log .example").first
    question = example.inner_text()
    example.click()
    page.wait_for_function("document.querySelectorAll('#chat-log .msg.bot:not(.pending)').length >= 1")
    expect(page.locator("#chat-log .msg.user .bubble")).to_have_text([question])
    expect(page.locator("#citations .cite-set.active")).to_have_attribute("data-turn", "0")


def test_empty_question_is_explained_without_a_bubble(page, server):
    _open(page, server)
    page.locator("#question textarea").fill("   ")
    page.click("#ask")
    expect(page.locator("#chat-notice .chat-notice.shown")).to_have_text(
        "问题是空的。请在输入框中输入要查询的问题，再点击“发送”。")
    expect(page.locator("#chat-log .msg")).to_have_count(0)
    expect(page.locator("#chat-log .example").first).to_be_visible()
    _ask(page, "兼并收购有什么补助？", 1)  # the next real question clears the notice
    expect(page.locator("#chat-notice .chat-notice")).to_have_text("")
    expect(page.locator("#chat-log .msg.user")).to_have_count(1)


def test_ask_follow_up_and_citation_panel(page, server):
    _open(page, server)
    _ask(page, "白名单企业以市场价收购隔壁厂房有补助吗？", 1)
    _ask(page, "那股权收购呢？", 2)
    second = page.locator("#chat-log .msg.bot").nth(1)
    expect(second).to_contain_text("按不超过股权收购价格的10%给予补助")
    expect(second.locator('a.cite-marker[data-cite="1"][data-turn="1"]').first).to_have_text("[1]")
    # The bubble quotes the supporting sentence, not the whole clause.
    expect(second).not_to_contain_text("根据《北仑区（开发区）优化要素资源配置促进稳商扩资增效扶持办法（试行）》")
    active = page.locator("#citations .cite-set.active")
    expect(active).to_have_attribute("data-turn", "1")
    first_card = active.locator(".citation").first
    expect(first_card.locator("a.citation-label")).to_have_text(S66_LABEL)
    expect(first_card.locator("mark.support").first).to_contain_text("按不超过股权收购价格的10%给予补助")
    expect(first_card.locator("a.open-in-browser")).to_have_text("在条文浏览中打开")
    _shot(page, "chat.png")


def test_markers_and_answers_show_their_citations_in_the_panel(page, server):
    _open(page, server)
    questions = ["白名单企业以市场价收购隔壁厂房有补助吗？", "新碶街道要完成多少亩老工业区块改造？", "评估价2000万，能补多少？"]
    for i, q in enumerate(questions, start=1):
        page.locator("#question textarea").fill(q)
        page.click("#ask")
        # A clear pending state: the question and a waiting bubble appear before the answer.
        expect(page.locator("#chat-log .msg.bot.pending")).to_have_text("正在检索条文并生成回答…")
        page.wait_for_function(f"document.querySelectorAll('#chat-log .msg.bot:not(.pending)').length >= {i}")
    expect(page.locator("#chat-log .msg.bot.pending")).to_have_count(0)
    # After three answers the newest is in view and so is the question box.
    assert _in_viewport(page, "#question textarea")
    assert _in_viewport(page, "#chat-log .msg.user >> nth=2")
    expect(page.locator("#citations .cite-set")).to_have_count(3)
    expect(page.locator("#citations .cite-set.active")).to_have_attribute("data-turn", "2")
    # A marker of the first answer: the panel shows that answer's set, card [1] marked and in view.
    page.locator('#chat-log a.cite-marker[data-turn="0"][data-cite="1"]').first.click()
    expect(page.get_by_role("tab", name="智能问答")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#citations .cite-set:visible")).to_have_count(1)
    expect(page.locator("#citations .cite-set.active")).to_have_attribute("data-turn", "0")
    focused = page.locator("#citations .citation.focused")
    expect(focused).to_have_count(1)
    expect(focused.locator("a.citation-label")).to_have_text(S66_LABEL)
    assert _in_viewport(page, "#citations .citation.focused")
    # Clicking an answer shows its set; its table clause is shown as a table.
    page.locator('#chat-log .msg.bot[data-turn="1"] .bubble').click(position={"x": 5, "y": 5})
    expect(page.locator("#citations .cite-set.active")).to_have_attribute("data-turn", "1")
    expect(page.locator('#chat-log .msg.bot[data-turn="1"]')).to_have_class(re.compile(r"\bselected\b"))
    table = page.locator('#citations .cite-set.active .citation[data-n="1"] table.clause-table')
    expect(table.locator('tbody th[scope="row"]')).to_have_text(["新碶"])
    expect(table.locator("td.marked")).to_have_text(["300"])
    # A card title points at its own card, without leaving the chat.
    page.locator('#citations .cite-set.active .citation[data-n="1"] a.citation-label').click()
    expect(page.get_by_role("tab", name="智能问答")).to_have_attribute("aria-selected", "true")
    expect(page.locator('#citations .cite-set.active .citation[data-n="1"]')).to_have_class(re.compile(r"\bfocused\b"))
    _shot(page, "chat-3.png")


def test_open_in_browser_from_a_citation_highlights_the_support(page, server):
    _open(page, server)
    _ask(page, "那股权收购有补助吗？", 1)
    page.locator(f'#citations .cite-set.active .citation a.open-in-browser[data-clause="{S66}"]').click()
    expect(page.get_by_role("tab", name="条文浏览")).to_have_attribute("aria-selected", "true")
    view = page.locator(f'#clause-view .clause-card.from-chat[data-id="{S66}"]')
    expect(view.locator(".clause-label")).to_have_text(S66_LABEL)
    expect(view.locator("mark.support").first).to_contain_text("按不超过股权收购价格的10%给予补助")
    expect(page.locator("#clause-tree a.tree-link.current")).to_have_text("（六）支持兼并收购")
    assert page.url.endswith("?clause=lzb-2024-22%3As6.6")


def test_calculation_is_titled_and_labelled_in_chinese(page, server):
    _open(page, server)
    _ask(page, "评估价2000万，能补多少？", 1)
    details = page.locator("#chat-log details.calc").first
    name = details.get_attribute("data-tool")
    summary = details.locator("summary").inner_text()
    assert summary.startswith("计算过程：") and name not in summary
    assert re.fullmatch(r"计算过程：[\u4e00-\u9fff（）、]+", summary), summary
    details.locator("summary").click()
    expect(details.locator(".formula")).to_contain_text("20000000元 × 30% = 6000000元")
    heads = details.locator("table.kv th").all_inner_texts()
    assert heads and all(re.search(r"[\u4e00-\u9fff]", h) and not re.search(r"[a-z]_[a-z]", h) for h in heads), heads


def test_xss_question_renders_as_text(page, server):
    _open(page, server)
    _ask(page, XSS, 1)
    expect(page.locator("#chat-log .msg.user .bubble")).to_have_text(XSS)
    expect(page.locator("#chat-log script")).to_have_count(0)


def test_abstention_looks_different(page, server):
    _open(page, server)
    _ask(page, "今天天气怎么样", 1)
    expect(page.locator("#chat-log .msg.bot.abstained .badge")).to_have_text("未找到依据")
    expect(page.locator("#citations .cite-set.active .panel-empty")).to_have_text("本次回答没有引用条款。")


# -- clause browser -----------------------------------------------------------------------------------
def test_permalink_opens_clause_and_tables_render_as_tables(page, server):
    _open(page, server + "?clause=lzb-2024-22:a2.r2")
    expect(page.get_by_role("tab", name="条文浏览")).to_have_attribute("aria-selected", "true")
    view = page.locator('#clause-view .clause-card[data-id="lzb-2024-22:a2.r2"]')
    expect(view.locator(".clause-label")).to_have_text("仑政办〔2024〕22号 附件2 各街道（区块）工作任务分解表 新碶")
    expect(view.locator("table.clause-table thead")).to_contain_text("完成老工业区块改造涉企用地（亩）")
    expect(view.locator('table.clause-table tbody th[scope="row"]')).to_have_text(["新碶"])
    expect(view.locator("a.permalink")).to_have_attribute("href", "?clause=lzb-2024-22:a2.r2")
    _search(page, "不低于2.0")
    expect(page.locator("#clause-tree .search-results p").first).to_have_text("找到 1 条包含“不低于2.0”的条款")
    _shot(page, "browser.png")
    _open(page, server + "?clause=lzb-2024-22:a2")
    table = page.locator('#clause-view .clause-card[data-id="lzb-2024-22:a2"] table.clause-table')
    expect(table.locator('tbody th[scope="row"]')).to_have_count(13)
    expect(table.locator('tbody th[scope="row"]').first).to_have_text("全区")


def test_search_ignores_spaces_and_lists_no_parent_with_its_childs_snippet(page, server):
    _open(page, server)
    _tab(page, "条文浏览")
    _search(page, "王程")
    results = page.locator("#clause-tree .search-results")
    expect(results.locator("p").first).to_have_text(re.compile(r"^找到 [1-9]\d* 条包含“王程”的条款$"))
    expect(results.locator("mark.support").first).to_have_text(re.compile(r"^王\s+程$"))
    _search(page, "腾笼换鸟")
    expect(results.locator("li").first).to_be_visible()
    snippets = results.locator(".snippet").all_inner_texts()
    assert len(snippets) == len(set(snippets)), snippets


def test_bad_permalink_error_clears_on_the_next_search(page, server):
    _open(page, server + "?clause=nope:s1")
    missing = page.locator("#clause-view .clause-card.missing")
    expect(missing).to_contain_text("没有编号为“nope:s1”的条款")
    _search(page, "容积率")
    expect(page.locator("#clause-tree .search-results p").first).to_contain_text("容积率")
    expect(missing).to_have_count(0)
    expect(page.locator("#clause-view .clause-card.empty")).to_have_count(1)


@pytest.mark.parametrize("page", [{"width": 390, "height": 844}], indirect=True)
def test_on_a_phone_the_clause_text_is_above_the_fold(page, server):
    _open(page, server + f"?clause={S66}")
    text = page.locator(f'#clause-view .clause-card[data-id="{S66}"] .clause-text')
    expect(text).to_contain_text("按照国有土地征收实际评估价给予30%的补助")
    box = text.bounding_box()
    assert box is not None and box["y"] < 844, box
    _shot(page, "browser-phone.png")


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
    # The field is named as the form labels it, never by its code name.
    expect(page.locator("#calc-result")).to_contain_text("评估价")
    expect(page.locator("#calc-result")).not_to_contain_text("appraised_value_yuan")


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


def _upload(page: Page, *paths: Path) -> None:
    page.locator("#upload-files input[type=file], input[type=file][data-testid]").first.set_input_files(
        [str(p) for p in paths])


def test_upload_lists_document_and_escapes_its_text(page, server, tmp_path):
    policy = tmp_path / "测试政策-xss.txt"
    policy.write_text("测试政策文件\n\n一、适用范围\n本办法适用于<script>alert(1)</script>测试企业。"
                      "<img src=x onerror=alert(2)>\n\n二、补助标准\n每亩补助1万元。\n", encoding="utf-8")
    _open(page, server)
    _tab(page, "文件管理")
    expect(page.locator("#documents .doc-card").first).to_contain_text("仑政办〔2024〕22号")
    _upload(page, policy)
    expect(page.locator("#ingest-report .added")).to_have_text("已导入：测试政策-xss.txt", timeout=120_000)
    # The steps were shown as they happened and stay listed under the report.
    steps = page.locator("#ingest-report .ingest-progress li")
    expect(steps.first).to_have_text("已保存 测试政策-xss.txt")
    assert any(s.startswith("正在读取") for s in steps.all_inner_texts()), steps.all_inner_texts()
    card = page.locator("#documents .doc-card", has_text="测试政策-xss.txt")  # its id comes from its text
    expect(card).to_have_count(1)
    _shot(page, "docs.png")
    card.locator("a.clause-link").click()
    expect(page.get_by_role("tab", name="条文浏览")).to_have_attribute("aria-selected", "true")
    page.locator("#clause-tree").get_by_text("一、适用范围").first.click()
    text = page.locator("#clause-view .clause-text")
    expect(text).to_contain_text("本办法适用于<script>alert(1)</script>测试企业。<img src=x onerror=alert(2)>")
    expect(page.locator("#clause-view script")).to_have_count(0)
    expect(page.locator("#clause-view img")).to_have_count(0)
    # The admin removes it again: the report says so and its card is gone.
    _tab(page, "文件管理")
    page.locator("#remove-box").get_by_text("移除文件").click()
    page.locator("#remove-doc input").click()
    page.get_by_role("option", name=re.compile("测试政策")).click()
    page.click("#remove-run")
    expect(page.locator("#ingest-report .removed")).to_have_text("已移除：测试政策-xss.txt")
    expect(page.locator("#documents .doc-card", has_text="测试政策-xss.txt")).to_have_count(0)
    expect(page.locator("#documents .doc-card")).to_have_count(1)


def test_reindex_shows_its_progress(page, server):
    _open(page, server)
    _tab(page, "文件管理")
    page.click("#reindex-run")
    expect(page.locator("#ingest-report .total")).to_contain_text("索引中共有", timeout=120_000)
    expect(page.locator("#ingest-report .ingest-progress li").first).to_have_text(
        "正在检查内置文件和已上传的文件有无变化…")


def test_big5_upload_is_refused_in_chinese_without_server_paths(page, server, tmp_path):
    big5 = tmp_path / "繁體政策.txt"
    big5.write_bytes("第一條 本辦法適用於臺灣地區的測試企業，補助標準為每畝壹萬元。\n".encode("big5") * 20)
    _open(page, server)
    _tab(page, "文件管理")
    _upload(page, big5)
    rejected = page.locator("#ingest-report .rejected li")
    expect(rejected).to_contain_text("繁體政策.txt", timeout=120_000)
    expect(rejected).to_contain_text("另存为 UTF-8")
    report = page.locator("#ingest-report").inner_text()
    assert "/" not in report.replace("GB18030/GBK", ""), report  # no folder of the server
    assert not re.search(r"[A-Za-z]{4,} [A-Za-z]{4,}", report), report  # no English sentence


@pytest.mark.parametrize("page", [{"locale": "en-US"}], indirect=True)
def test_upload_box_reads_chinese_in_an_english_browser(page, server):
    _open(page, server)
    _tab(page, "文件管理")
    box = page.locator("#upload-files")
    expect(box).to_contain_text("选择文件并导入")
    text = page.locator("#tab-docs").inner_text()
    for english in ("Drop File Here", "Click to Upload", "Upload file", "- or -"):
        assert english not in text


# -- uploads behind the admin password --------------------------------------------------------------
GUARD_PW = "browser-guard-pw-4417"


@pytest.fixture(scope="module")
def guarded_server(built_home, tmp_path_factory):
    """``policy-assistant ui`` with an admin password, over a copy of the built home; yields
    (base URL, the temp folder its uploads go under)."""
    from conftest import copy_home

    root = tmp_path_factory.mktemp("ui-guarded")
    home, tmp = copy_home(built_home, root / "home"), root / "tmp"
    tmp.mkdir()
    port = free_port()
    env = {**os.environ, "POLICY_ASSISTANT_HOME": str(home), "POLICY_ASSISTANT_ADMIN_PASSWORD": GUARD_PW,
           "TMPDIR": str(tmp), "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1",
           "ANONYMIZED_TELEMETRY": "False", "NO_PROXY": "127.0.0.1,localhost"}
    env.pop("GRADIO_TEMP_DIR", None)
    with _ui_server(env, port, root / "server.log") as url:
        yield url, tmp


def test_upload_opens_only_after_the_password_is_checked(browser, guarded_server, tmp_path):
    url, tmp = guarded_server
    [upload_dir] = list(tmp.glob("policy-assistant-ui-*"))
    policy = tmp_path / "密码后上传.txt"
    policy.write_text("测试政策文件\n\n一、适用范围\n本办法适用于测试企业。\n\n二、补助标准\n每亩补助1万元。\n", encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        _open(page, url)
        _tab(page, "文件管理")
        button = page.locator("#upload-files")
        expect(button).to_be_disabled()
        page.locator("#admin-password input").fill("not-the-password")
        page.click("#admin-unlock")
        status = page.locator("#admin-unlock-status .unlock-status")
        expect(status).to_have_text("管理员密码不正确：上传和重新索引需要 POLICY_ASSISTANT_ADMIN_PASSWORD 中设置的密码。")
        expect(button).to_be_disabled()
        assert not [c for c in context.cookies() if c["name"] == "policy_admin_pass"]
        page.locator("#admin-password input").fill(GUARD_PW)
        page.click("#admin-unlock")
        expect(status).to_have_text("密码正确：30 分钟内可以选择文件上传。")
        expect(button).to_be_enabled()
        [cookie] = [c for c in context.cookies() if c["name"] == "policy_admin_pass"]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and GUARD_PW not in cookie["value"]
        _upload(page, policy)
        expect(page.locator("#ingest-report .added")).to_have_text("已导入：密码后上传.txt", timeout=120_000)
        # The temporary copy of the upload is gone once it has been ingested.
        assert [p for p in upload_dir.rglob("*") if p.is_file()] == []
    finally:
        context.close()
