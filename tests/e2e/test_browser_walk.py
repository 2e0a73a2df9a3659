"""The whole loop through the pages, in Debian's Chromium driven by Playwright: a business submits;
the center accepts and dispatches; the department signs, contacts, replies and its leader signs off;
the center verifies; the business rates and confirms; the center closes; anyone follows it by code.

A screenshot of each page goes to test-artifacts/screenshots/ (the README shows copies from
docs/screenshots/). Never `playwright install`: the browser is /usr/bin/chromium (`make test`
installs it when missing)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn

from qitong.db.engine import make_engine, make_sessionmaker
from qitong.db.models import Base
from qitong.domain.clock import FixedClock
from qitong.domain.identity import make_uscc
from qitong.domain.tickets.lifecycle import Action
from qitong.services.context import Context
from qitong.services.routing import responsibility as resp
from qitong.services.tickets.actions import perform
from qitong.services.tickets.intake import TicketCreate, create_ticket
from qitong.services.tickets.payloads import ActionPayload
from qitong.settings import Settings
from qitong.web.app import create_app
from tests.conftest import T0
from tests.support.world import PASSWORD, World, build_world

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--lang=zh-CN"]

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

if not CHROMIUM.exists():
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but /usr/bin/chromium is missing (make test installs it)", pytrace=False)
    pytest.skip("Debian's Chromium is not installed (apt-get install -y chromium)", allow_module_level=True)

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Site:
    url: str
    world: World
    clock: FixedClock
    ctx: Context


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """uvicorn on a free port of 127.0.0.1, against a fresh SQLite file holding a small world."""
    tmp = tmp_path_factory.mktemp("browser")
    settings = Settings(database_url=f"sqlite:///{tmp / 'qitong.db'}", attachment_dir=tmp / "attachments")
    engine = make_engine(settings.database_url)
    Base.metadata.create_all(engine)
    clock = FixedClock(T0)
    ctx = Context(make_sessionmaker(engine), clock, settings)
    world = build_world(ctx)
    app = create_app(settings, clock=clock)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield Site(f"http://127.0.0.1:{port}", world, clock, ctx)
    server.should_exit = True
    thread.join(10)
    app.state.engine.dispose()
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Walker:
    """One browser tab; signs in as one person after another and keeps a numbered screenshot trail."""

    def __init__(self, browser: Browser, site: Site, width: int = 1366, height: int = 900) -> None:
        self.site = site
        self.context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.n = 0

    def goto(self, path: str) -> Page:
        self.page.goto(self.site.url + path)
        return self.page

    def shot(self, name: str, full: bool = True) -> None:
        """The whole page: the viewport is stretched to it first, so the fixed sidebar spans it too."""
        self.n += 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        size = self.page.viewport_size
        assert size is not None
        if full:
            height = int(self.page.evaluate("document.documentElement.scrollHeight"))
            self.page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
        self.page.screenshot(path=str(SHOTS / f"{self.n:02d}-{name}.png"))
        self.page.set_viewport_size(size)

    def login(self, user: str) -> None:
        self.context.clear_cookies()
        self.goto("/login")
        self.page.fill("#username", user)
        self.page.fill("#password", PASSWORD)
        self.page.click("#login-password")
        self.page.wait_for_url("**/workbench**")

    def act(self, action: str, **fields: str) -> None:
        """Open the action's tab on the ticket page, fill its fields, submit, expect the flash."""
        p = self.page
        p.click(f"#tab-{action}")
        form = p.locator(f"#act-{action} form")
        for name, value in fields.items():
            el = form.locator(f"[name={name}]")
            tag = el.first.evaluate("e => e.tagName + ':' + (e.type || '')")
            if tag.startswith("SELECT"):
                el.select_option(value)
            elif tag == "INPUT:radio":
                form.locator(f"[name={name}][value='{value}'] + label").click()
            else:
                el.fill(value)
        p.click(f"#do-{action}")
        p.wait_for_selector(".alert-success")
        self.site.clock.advance(timedelta(minutes=40))

    def open_from_queue(self, queue: str, number: str) -> None:
        self.goto(f"/workbench?queue={queue}")
        self.page.click(f"tr[data-ticket='{number}'] a.qt-num")
        self.page.wait_for_selector(".qt-ticket-title")


def test_the_loop_through_the_pages(browser: Browser, site: Site, tmp_path: Path) -> None:
    w = Walker(browser, site)
    p = w.page
    # the business signs in with its USCC and the code shown on screen (the demo's SMS)
    w.goto("/login")
    w.shot("login")
    p.click("#tab-uscc-link")
    p.fill("#uscc", make_uscc("91330299MA2H00001"))
    p.click("#get-code")
    code = p.inner_text("#demo-code")
    w.shot("login-uscc-code")
    p.fill("#code", code)
    p.click("#login-uscc")
    p.wait_for_url("**/portal")
    # ... and submits a problem with an attachment
    p.click("#new-ticket")
    p.click("label:has(input[value=help])")
    p.select_option("#category", "zwfw.spxl")
    p.select_option("#region_code", "330299101")
    p.fill("#title", "营业执照经营范围变更审批超时")
    p.fill("#content", "我公司三周前通过网上平台提交经营范围变更申请，至今仍显示“审核中”，影响新业务投标，请帮助协调。")
    receipt = tmp_path / "申请受理回执.pdf"
    receipt.write_bytes(b"%PDF-1.4\n% receipt\n")
    p.set_input_files("#files", str(receipt))
    w.shot("portal-submit")
    p.click("#submit-ticket")
    p.wait_for_selector("#submitted-box")
    number, query_code = p.inner_text("#new-number"), p.inner_text("#new-code")
    assert number.startswith("QT20261123")
    w.shot("portal-submitted")

    # the center accepts, the dispatcher sends it to the market regulator with the housing bureau assisting
    w.login("agent")
    assert p.locator(f"tr[data-ticket='{number}']").count() == 1
    w.shot("workbench-to-accept")
    w.open_from_queue("submitted", number)
    w.shot("ticket-accept")
    w.act("accept", complexity="complex")
    w.login("dispatcher")
    w.open_from_queue("to_dispatch", number)
    lead = str(site.world.dept["scj"])
    assert p.locator("#dispatch-lead_unit_id").input_value() == lead  # suggested by the category
    w.act("dispatch", co_unit_ids=str(site.world.dept["zjj"]))
    w.shot("ticket-dispatched")

    # the department signs for it, contacts the business, drafts the reply; its leader signs off
    w.login("scj_handler")
    w.open_from_queue("to_sign", number)
    w.shot("ticket-department")
    w.act("sign_for")
    w.act("contact", contact_method="phone")
    w.act("reply_draft", reply="经核查，贵公司变更申请因材料缺少股东会决议被系统挂起。已电话告知补正，补正后当日完成变更登记，新执照可在窗口领取。")
    w.shot("ticket-replied")
    w.login("scj_leader")
    w.open_from_queue("sign_off", number)
    w.act("sign_off")

    # the center verifies the reply
    w.login("agent")
    w.open_from_queue("verify", number)
    w.act("verify")

    # the business sees the result, rates it and confirms (on a phone this time)
    phone = Walker(browser, site, 375, 812)
    phone.n = w.n
    phone.goto("/login")
    phone.page.fill("#username", "ent1_user")
    phone.page.fill("#password", PASSWORD)
    phone.page.click("#login-password")
    phone.page.wait_for_url("**/portal")
    phone.shot("phone-portal", full=False)
    phone.page.click(f"a[data-ticket='{number}']")
    phone.page.wait_for_selector("#act-confirm")
    phone.shot("phone-ticket-to-confirm", full=False)
    phone.act("confirm", rating_process="5", rating_result="4", comment="办理及时，沟通耐心，感谢！")
    phone.shot("phone-ticket-confirmed")
    w.n = phone.n
    phone.context.close()

    # the center closes the loop
    w.login("agent")
    w.open_from_queue("to_close", number)
    w.act("close")
    assert "已办结" in p.inner_text(".qt-ticket-head")
    w.shot("ticket-closed")

    # anyone with the number and the query code follows it without signing in
    w.context.clear_cookies()
    w.goto("/track")
    p.fill("#number", number)
    p.fill("#query_code", query_code)
    p.click("#track-submit")
    p.wait_for_selector(".qt-track-result")
    assert "已办结" in p.inner_text(".qt-track-result")
    assert p.locator(".qt-progress").get_attribute("data-percent") == "100"
    w.shot("track-closed")

    # the public sees it closed, the business's name masked
    w.goto("/public")
    item = p.locator(f".qt-disclosed[data-ticket='{number}']")
    assert "象湖县***有限公司" in item.inner_text() and "鑫达" not in p.content()
    w.shot("public")

    # and the dashboard counts it: one ticket, closed, in time, rated satisfied (charts drawn by ECharts)
    w.login("leader")
    w.goto("/dashboard")
    p.wait_for_selector("html[data-charts-ready='1']", state="attached")
    assert p.inner_text("[data-total=closed]") == "1" and p.inner_text("[data-total=accepted]") == "1"
    assert p.locator("[data-kpi=satisfaction]").get_attribute("data-value") == "100.0"
    assert p.locator("[data-kpi=closure]").get_attribute("data-met") == "true"
    assert p.locator("#gauge-closure canvas").count() == 1 and p.locator("#chart-trend canvas").count() == 1
    w.shot("dashboard")
    p.click("#open-screen")
    p.wait_for_selector("html[data-charts-ready='1']", state="attached")
    assert p.inner_text(".qt-screen-head h1").startswith("象湖县")
    w.shot("screen", full=False)
    w.context.close()


def test_errors_are_pages_in_chinese(browser: Browser, site: Site) -> None:
    w = site.world
    data = TicketCreate(title="厂房用地规划调整迟迟未批", content="新厂房用地规划调整申请已提交两个月，仍未批复。",
                        submitter_name="王建国", submitter_phone="13812345678")
    tid = create_ticket(w.ctx, w["ent1_user"], data).ticket_id
    perform(w.ctx, w["agent"], tid, Action.accept)
    perform(w.ctx, w["dispatcher"], tid, Action.dispatch, ActionPayload(lead_unit_id=w.dept["scj"]))
    b = Walker(browser, site)
    b.n = 90
    b.login("zrj_handler")  # another department
    b.goto(f"/tickets/{tid}")
    assert "无权" in b.page.inner_text("#error-message")
    b.shot("error-403")
    b.goto("/no-such-page")
    assert "没有找到" in b.page.inner_text("h2")
    b.context.close()


def test_the_channels_page_in_a_browser(browser: Browser, site: Site, tmp_path: Path) -> None:
    """多渠道录入: a 12345 file chosen and imported, then a leader's problem recorded from the same page."""
    csv = tmp_path / "12345-2026-11.csv"
    csv.write_text("工单编号,标题,诉求内容,来电人,联系电话,企业名称,诉求类型\n"
                   "GDB0001,园区路灯不亮,园区主干道路灯已经坏了两周，夜间货车进出不安全,李明,13900001111,"
                   "象湖县鑫达机械有限公司,求助\n", encoding="utf-8")
    w = Walker(browser, site)
    w.n = 80
    w.login("agent")
    w.page.click("a.nav-link[href='/channels']")
    w.page.set_input_files("#import-file", str(csv))
    compact = w.page.locator("#mapping-json").evaluate("el => el.value = JSON.stringify(JSON.parse(el.value))")
    w.page.click("#import-btn")
    report = w.page.locator("#import-report")
    assert report.get_attribute("data-created") == "1", report.inner_text()
    w.goto("/channels")  # the browser offers the mapping that worked, not the default
    assert w.page.locator("#mapping-json").input_value() == compact
    w.shot("channels-import")
    w.page.select_option("#a-channel", "leader_assigned")
    w.page.fill("#a-origin", "县长批示（2026-11-20）")
    w.page.fill("#a-ent", "象湖县鑫达机械有限公司")
    w.page.fill("#a-contact", "王经理")
    w.page.fill("#a-phone", "13800001111")
    w.page.fill("#a-title", "新厂区配套道路迟迟未建")
    w.page.fill("#a-content", "企业新厂区已经投产三个月，配套道路仍未开工，原料运输只能绕行。")
    w.page.click("#assigned-btn")
    w.page.wait_for_selector(".qt-ticket-title")
    assert "领导交办" in w.page.inner_text(".alert-success")
    w.context.close()


def test_a_suggested_category_is_chosen_with_one_click(browser: Browser, site: Site) -> None:
    """The categories suggested under the submit form fill its select when clicked (a delegated handler:
    the pages' CSP blocks inline ones), after text is pasted in, not only typed."""
    resp.create_entry(site.ctx, site.world.users["admin"], resp.EntryIn(
        category_code="zwfw.spxl", lead_unit_id=site.world.dept["scj"], keywords=["营业执照", "经营范围"],
        effective_from=T0.date() - timedelta(days=1)))
    w = Walker(browser, site)
    w.n = 90
    p = w.page
    errors: list[str] = []
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    w.goto("/login")
    p.fill("#username", "ent1_user")
    p.fill("#password", PASSWORD)
    p.click("#login-password")
    p.wait_for_url("**/portal")
    w.goto("/portal/submit")
    p.locator("#title").evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
                                 "营业执照经营范围变更迟迟未办")
    pick = p.locator(".qt-pick-category[data-value='zwfw.spxl']")
    pick.wait_for()
    assert p.locator("#category").input_value() != "zwfw.spxl"
    pick.click()
    assert p.locator("#category").input_value() == "zwfw.spxl"
    assert not [e for e in errors if "Content Security Policy" in e], errors
    w.context.close()
