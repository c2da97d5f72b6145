"""The registry in a real browser: a staff member's request through the centre manager's
approval to a connected, polled channel; and closing a page through to the archive."""

import pytest
from django.core.management import call_command
from django.utils import translation

from accounts.models import Channel, ChannelClosingRequest, ChannelRequest, ChannelStatus, Decision
from conftest import axe_violations, browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def da(text):
    """The Danish text people see (the test municipality's language)."""
    with translation.override("da"):
        return str(translation.gettext(text))


@pytest.fixture
def simulator(settings):
    from simulator.server import start_simulator

    handle = start_simulator()
    settings.SIMULATOR_URL = handle.url
    settings.PLATFORM_TIMEOUT_SECONDS = 2
    yield handle
    handle.stop()


def test_request_approve_connect_and_poll(page, org, simulator):
    from simulator.demo import DEFAULT_ACCOUNTS

    account = next(spec for spec in DEFAULT_ACCOUNTS if spec["platform"] == "instagram")

    # Given a staff member fills in the request form
    browser_login(page, "staff")
    page.goto("/channels/requests/new/")
    page.select_option("#id_platform", "instagram")
    page.fill("#id_name", "Afdeling A på Instagram")
    page.select_option("#id_department", str(org.units["dept_a"].pk))
    page.fill("#id_purpose", "Vise hverdagen i afdelingen.")
    page.fill("#id_target_groups", "Forældre i området")
    page.fill("#id_message", "Små nyheder hver uge.")
    page.select_option("#id_responsible", str(org.users["editor"].pk))
    page.select_option("#id_deputy", str(org.users["expert"].pk))
    screenshot(page, "registry-request-form")
    assert axe_violations(page) == []
    page.click("form.app-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    channel_request = ChannelRequest.objects.get()
    assert page.url.endswith(f"/channels/requests/{channel_request.pk}/")
    assert da("Your request is waiting for the centre manager's decision.") in page.content()
    page.click("form.app-logout button")

    # When centre A's manager approves it
    browser_login(page, "manager_a")
    page.goto(f"/channels/requests/{channel_request.pk}/")
    page.check("#id_decision_0", force=True)
    page.fill("#id_comment", "God idé – husk samtykke.")
    screenshot(page, "registry-request-decide")
    assert axe_violations(page) == []
    page.click("form.app-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    channel_request.refresh_from_db()
    assert channel_request.decision == Decision.APPROVED
    channel = channel_request.channel
    assert Channel.objects.get(pk=channel.pk).status == ChannelStatus.APPROVED

    # Then the approved page can be connected through the platform's sign-in (the simulator
    # plays Facebook Login for Instagram), the account picked, the connection tested
    page.goto(f"/channels/{channel.pk}/")
    page.click(f"text={da('Connect or test the connection')}")
    page.get_by_role(
        "button", name=da("Connect with %(platform)s") % {"platform": "Instagram"}
    ).click()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url("**/connect/oauth/pick/")
    page.locator(f"input[name=account][value='{account['id']}']").check()
    page.click("form.app-form button[type=submit]")
    page.wait_for_url("**/connect/")
    page.click(f"button:has-text('{da('Test connection')}')")
    page.wait_for_load_state("networkidle")
    assert Channel.objects.get(pk=channel.pk).connection.token_status == "valid"

    # and once live, activated and polled
    page.goto(f"/channels/{channel.pk}/")
    page.click(f"button:has-text('{da('The page is live: activate')}')")
    page.wait_for_load_state("networkidle")
    assert Channel.objects.get(pk=channel.pk).status == ChannelStatus.ACTIVE
    call_command("poll_channels", "--once")
    connection = Channel.objects.get(pk=channel.pk).connection
    assert connection.last_polled_at is not None

    page.reload()
    last_poll = page.locator("dt", has_text=da("Last poll")).locator(
        "xpath=following-sibling::dd[1]"
    )
    assert last_poll.inner_text() != "–"
    screenshot(page, "registry-channel-connected")
    assert axe_violations(page) == []
    # The public register now lists it
    page.goto("/channels/register/")
    assert "Afdeling A på Instagram" in page.content()


def test_closing_a_page(page, org):
    channel = org.channels["a"]
    # Given the page's editor asks to close it
    browser_login(page, "editor")
    page.goto(f"/channels/{channel.pk}/")
    page.click(f"text={da('Ask to close the page')}")
    page.fill("#id_reason", "Afdelingen samles på kommunens hovedside.")
    page.fill("#id_notice_text", "Tak fordi I fulgte med! Find os nu på Testby Kommune.")
    screenshot(page, "registry-closing-form")
    assert axe_violations(page) == []
    page.click("form.app-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    closing = ChannelClosingRequest.objects.get()
    page.click("form.app-logout button")

    # When centre A's manager approves and, once it is taken down, archives it
    browser_login(page, "manager_a")
    page.goto(f"/channels/{channel.pk}/")
    page.check(f"#closing-{closing.pk}-approve", force=True)
    page.click(f"form[action$='/closing/{closing.pk}/decide/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert Channel.objects.get(pk=channel.pk).status == ChannelStatus.CLOSING
    page.click(f"button:has-text('{da('Page taken down: close and archive')}')")
    page.wait_for_load_state("networkidle")

    # Then it is closed, its history shown, and it is gone from the public register
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.CLOSED
    history = page.locator("table", has_text=da("When")).last.inner_text()
    for step in ("Closing requested", "Closing approved", "Closing notice queued for posting"):
        assert da(step) in history
    screenshot(page, "registry-channel-closed")
    assert axe_violations(page) == []
    page.goto("/channels/register/")
    assert "Afdeling A på Facebook" not in page.content()


def test_compliance_and_public_register_on_a_phone(page, org):
    from accounts.actions import sweep_neglect

    sweep_neglect()
    page.set_viewport_size({"width": 375, "height": 800})
    browser_login(page, "manager_a")
    page.goto("/channels/compliance/")
    assert page.locator("h1").inner_text() == da("Compliance overview")
    # Centre A's manager sees centre A's page, not centre B's.
    table = page.locator("table", has_text=da("Page")).last.inner_text()
    assert "Afdeling A på Facebook" in table
    assert "Afdeling B på Instagram" not in table
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "registry-compliance-phone")
    assert axe_violations(page) == []

    page.click("form.app-logout button")
    page.goto("/channels/register/")
    assert page.locator("h1").inner_text() == da("Official social-media accounts")
    screenshot(page, "registry-public-register-phone")
    assert axe_violations(page) == []
