"""The console in real headless Chromium, against the running stack: sign-in per role, a live
handoff answered from the browser and delivered through the fake Telegram Bot API, publishing an
answer the bot then uses, escaping, CSRF, access rules, and restoring an old revision."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from bot import replies
from bot.db.conversation_repository import get_or_create_conversation, open_handoff_for
from bot.db import faq_editor_repository
from bot.db.session import session_scope
from bot.db.user_repository import create_user
from bot.i18n import console_translations
from bot.settings import Settings, TelegramSettings
from bot.web.app import create_app
from tests.browser import chromium
from tests.conftest import free_port
from tests.fakes.background_server import BackgroundServer
from tests.fakes.telegram_bot_api import FakeTelegram, FakeTelegramServer
from tests.test_conversations import QUESTIONS, Chat, answer_text
from tests.test_telegram import texts_to, wait_for

pytestmark = pytest.mark.stack

PASSWORD = "correct horse battery"
CHAMPIONS_CHAT = -100888
ACCOUNTS = {  # username: (roles, languages, console language)
    "ada": ("admin", "", "en"),
    "sam": ("staff", "", "en"),
    "kata": ("champion", "sk,rom", "sk"),
    "radu": ("champion", "ro", "ro"),
}


@pytest.fixture(scope="module")
def console(stack: str, stack_settings: Settings) -> Iterator[tuple[str, FakeTelegram]]:
    """A second gateway, served over HTTP for the browser, with Telegram on against the fake Bot API."""
    with session_scope() as session:
        for name, (roles, languages, locale) in ACCOUNTS.items():
            create_user(session=session, username=name, password=PASSWORD, roles=roles,
                        languages=languages, locale=locale)
    port = free_port()
    with FakeTelegramServer(free_port()) as telegram:
        settings = Settings(**{
            **stack_settings.__dict__,
            "port": port,
            "telegram": TelegramSettings(bot_token="123456:CONSOLE", api_base_url=telegram.base_url,
                                         champions_chat_id=CHAMPIONS_CHAT),
        })
        with BackgroundServer(create_app(settings), port):
            yield f"http://127.0.0.1:{port}", telegram.fake


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_each_role_signs_in_and_starts_where_its_work_is(console: tuple[str, FakeTelegram], page: Page) -> None:
    base, _ = console
    sign_in(page, base, "ada", "wrong password!")
    expect(page.locator(".error")).to_contain_text("Wrong username or password")
    for username, path in (("ada", "/console/admin/users"), ("sam", "/console/faq"), ("kata", "/console/inbox")):
        page.context.clear_cookies()
        sign_in(page, base, username)
        expect(page).to_have_url(f"{base}{path}")
    page.goto(f"{base}/console/admin/audit")
    expect(page.locator("h1")).to_have_text("403")  # kata is a champion, not an admin
    page.context.clear_cookies()
    sign_in(page, base, "ada")
    page.goto(f"{base}/console/admin/audit")
    expect(page.locator("#audit")).to_contain_text("login")


def test_a_champion_gets_a_handoff_live_replies_and_closes_it(console: tuple[str, FakeTelegram], page: Page) -> None:
    base, telegram = console
    sign_in(page, base, "kata")
    slovak = console_translations("sk").gettext("Open handoffs")
    assert slovak != "Open handoffs"
    expect(page.locator("h1")).to_have_text(slovak)  # kata's console is in Slovak
    person = 8100
    telegram.text_update(person, "ako sa zaregistrujem k doktorovi, som nova v Leedse", language_code="sk")
    wait_for(lambda: texts_to(telegram, person))
    telegram.text_update(person, "/human", language_code="sk")
    wait_for(lambda: replies.handoff_started("sk").text in texts_to(telegram, person))

    row = page.locator(f"#inbox tbody tr[data-handoff='{open_handoff_of(person)}']")  # appears without reloading
    expect(row).to_be_visible(timeout=15000)
    row.locator("a").click()
    expect(page.locator("#transcript")).to_contain_text("som nova v Leedse")

    telegram.text_update(person, "mam aj deti", language_code="sk")
    expect(page.locator("#transcript")).to_contain_text("mam aj deti", timeout=15000)

    page.locator(".insert-answer").first.click()
    assert page.input_value("#reply-text").strip()
    page.fill("#reply-text", "Dobrý deň, pomôžem vám s registráciou.")
    page.click("#reply-form button[type=submit]")
    wait_for(lambda: "kata: Dobrý deň, pomôžem vám s registráciou." in texts_to(telegram, person))
    # The champions' Telegram group sees the console's reply under the handoff's card too.
    wait_for(lambda: any("pomôžem vám s registráciou" in t for t in texts_to(telegram, CHAMPIONS_CHAT)))

    page.select_option("select[name=outcome]", "answered")
    page.click("#close-button")
    wait_for(lambda: replies.handoff_closed("sk").text in texts_to(telegram, person))
    telegram.text_update(person, "je GP zadarmo?", language_code="sk")
    wait_for(lambda: any(answer_text("gp.cost", "sk") in t for t in texts_to(telegram, person)))


def open_handoff_of(telegram_user: int) -> int:
    with session_scope() as session:
        conversation = get_or_create_conversation(session=session, channel="telegram", external_id=str(telegram_user))
        found = open_handoff_for(session=session, conversation_id=conversation.id)
        assert found is not None, "no open handoff"
        return found.id


def revision_with(key: str, language: str, text: str) -> int:
    with session_scope() as session:
        answer = faq_editor_repository.answer(session=session, key=key, language=language)
        return max(r.id for r in answer.revisions if r.text == text)


def test_staff_publish_an_answer_the_bot_uses_at_once_shown_as_text_everywhere(
    console: tuple[str, FakeTelegram], stack: str, page: Page
) -> None:
    base, telegram = console
    key, language = "euss.apply", "ro"
    original = answer_text(key, language)
    sign_in(page, base, "sam")
    page.add_init_script("window.__xss = undefined")
    new_text = "Aplicați online, gratuit. <script>window.__xss = 1</script> <b>bold</b>"
    page.goto(f"{base}/console/faq/{key}/{language}")
    page.fill("#answer-text", new_text)
    expect(page.locator("#preview-telegram")).to_contain_text("<script>window.__xss = 1</script>")
    page.click("button[value=publish]")
    expect(page.locator("#answer-status")).to_have_text("published")
    assert page.evaluate("window.__xss") is None

    messages = Chat(stack).say(QUESTIONS[language]["euss"])
    assert any(new_text in m["text"] for m in messages)  # the bot answers with the new text, no retraining
    person = 8200
    telegram.text_update(person, QUESTIONS[language]["euss"], language_code="ro")
    wait_for(lambda: any(new_text in t for t in texts_to(telegram, person)))  # literal text, no parse mode

    page.goto(f"{base}/console/faq/{key}")
    expect(page.locator(".side-by-side")).to_contain_text("<b>bold</b>")
    assert page.evaluate("window.__xss") is None

    page.goto(f"{base}/console/faq/{key}/{language}/history")
    expect(page.locator(".history .diff").first).to_contain_text("<script>")
    page.locator(f'li[data-revision="{revision_with(key, language, original)}"] button').click()
    expect(page.locator("#answer-text")).to_have_value(original)
    page.click("button[value=publish]")
    expect(page.locator("#answer-status")).to_have_text("published")
    assert any(original in m["text"] for m in Chat(stack).say(QUESTIONS[language]["euss"]))


def test_a_post_without_the_csrf_token_is_refused(console: tuple[str, FakeTelegram], page: Page) -> None:
    base, _ = console
    sign_in(page, base, "sam")
    response = page.request.post(f"{base}/console/faq/gp.cost/en", form={"text": "forged", "action": "publish"})
    assert response.status == 403
    response = page.request.post(f"{base}/console/login", form={"username": "sam", "password": PASSWORD})
    assert response.status == 403
    page.goto(f"{base}/console/faq/gp.cost/en")
    expect(page.locator("#answer-text")).not_to_have_value("forged")


def test_champions_see_only_their_languages_and_no_staff_pages(
    console: tuple[str, FakeTelegram], page: Page
) -> None:
    base, telegram = console
    person = 8300
    telegram.text_update(person, "dobrý deň, potrebujem pomoc so školou", language_code="sk")
    wait_for(lambda: texts_to(telegram, person))
    telegram.text_update(person, "/human", language_code="sk")
    wait_for(lambda: replies.handoff_started("sk").text in texts_to(telegram, person))

    sign_in(page, base, "kata")
    handoff_url = f"/console/handoffs/{open_handoff_of(person)}"
    expect(page.locator(f"#inbox a[href='{handoff_url}']")).to_be_visible(timeout=15000)

    page.context.clear_cookies()
    sign_in(page, base, "radu")
    expect(page.locator("#inbox tbody tr").first).to_be_visible()
    expect(page.locator(f"#inbox a[href='{handoff_url}']")).to_have_count(0)
    languages = page.locator("#inbox tbody tr[data-handoff] td:nth-child(2)").all_inner_texts()
    assert set(languages) <= {"ro"}, languages  # radu speaks only Romanian
    for path in (handoff_url, "/console/faq", "/console/insights", "/console/admin/users"):
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 403, path

    page.context.clear_cookies()
    sign_in(page, base, "sam")  # staff, not a champion: no transcripts
    for path in (handoff_url, "/console/inbox"):
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 403, path
    page.goto(f"{base}/console/insights")
    expect(page.locator("h1")).to_have_text("Insights")
    with httpx.Client() as client:
        assert client.get(f"{base}/console/faq", follow_redirects=False).status_code in (303, 401)


def test_the_console_language_is_per_account(console: tuple[str, FakeTelegram], page: Page) -> None:
    base, _ = console
    romanian = console_translations("ro").gettext("Sign out")
    assert romanian != "Sign out"
    sign_in(page, base, "radu")
    expect(page.locator("nav")).to_contain_text(romanian)
    page.goto(f"{base}/console/account")
    page.select_option("select[name=locale]", "en")
    page.click("form[action='/console/account'] button")
    expect(page.locator("nav")).to_contain_text("Sign out")
    page.select_option("select[name=locale]", "ro")
    page.click("form[action='/console/account'] button")
    expect(page.locator("nav")).to_contain_text(romanian)


def test_staff_upload_a_recording_and_export_a_translation(console: tuple[str, FakeTelegram], page: Page) -> None:
    base, _ = console
    sign_in(page, base, "sam")
    page.goto(f"{base}/console/faq/school.uniform/cs")
    expect(page.locator(".warning")).to_be_visible()  # no recording yet
    page.set_input_files("input[name=audio]", files=[{"name": "odpoved.ogg", "mimeType": "audio/ogg",
                                                      "buffer": b"OggS\x00 fake"}])
    page.click("form[action$='/audio'] button")
    expect(page.locator(".warning")).to_have_count(0)
    page.goto(f"{base}/console/faq")
    with page.expect_download() as download:
        page.click("a[href='/console/faq/export/cs.po']")
    assert 'msgctxt "school.uniform"' in download.value.path().read_text(encoding="utf-8")


def test_insights_count_questions_and_list_unanswered_ones_without_addresses(
    console: tuple[str, FakeTelegram], stack: str, page: Page
) -> None:
    base, _ = console
    chat = Chat(stack)
    chat.say("How do I register with a GP?")
    misses = chat.say("what will the weather be like tomorrow in london ana@example.org")
    assert any(replies.dont_know("en").text in m["text"] for m in misses), misses
    sign_in(page, base, "sam")
    page.goto(f"{base}/console/insights")
    expect(page.locator("#unanswered")).to_contain_text("weather be like tomorrow in london [email]")
    expect(page.locator("#unanswered")).not_to_contain_text("ana@example.org")
    expect(page.locator("#questions-table")).to_contain_text("gp")
    assert page.locator("svg.chart").count() >= 3
    row = page.locator("#unanswered tr", has_text="weather be like tomorrow")
    row.locator("select[name=key]").select_option("gp.find")  # staff teach the model from what it missed
    row.get_by_role("button", name="Add as example question").click()
    expect(page.locator("#unanswered")).not_to_contain_text("weather be like tomorrow")
    page.goto(f"{base}/console/faq/gp.find")
    expect(page.locator("body")).to_contain_text("weather be like tomorrow in london [email]")
