import os, pytest
from django.test import Client
from django.conf import settings
from uchast.accounts.demo import load_demo
pytestmark = [pytest.mark.django_db(transaction=True)]
PATHS = os.environ.get("PATHS","/").split(",")
def test_debug(browser, live_server):
    ctxd = load_demo()
    user = ctxd.staff["moderator"]
    client = Client(); client.force_login(user)
    context = browser.new_context(viewport={"width":360,"height":740}, locale="uk-UA", base_url=live_server.url)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    for i, p in enumerate(PATHS):
        page.goto(p)
        print(p, page.evaluate("""() => [document.documentElement.scrollWidth, ...[...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 8).map(e => e.tagName.toLowerCase() + '.' + e.className + ' w=' + Math.round(e.getBoundingClientRect().width) + ' ' + (e.textContent||'').slice(0,40))]"""))
        page.screenshot(path=f"/tmp/phone/shot{i}.png", full_page=False)
