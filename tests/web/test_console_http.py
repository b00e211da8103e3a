"""Sessions, CSRF, scopes and read-only-ness of `netops web`, tried directly over HTTP."""

from __future__ import annotations

import re

from tests.web.conftest import Client


def test_login_needs_the_form_token(console):
    client = Client(console["base"])
    status, _, _ = client.request("/login", {"user": "eng", "password": "engineer-pw"})
    assert status == 403  # no token at all
    client.login_token()
    status, _, _ = client.request("/login", {"csrf": "0" * 64, "user": "eng", "password": "engineer-pw"})
    assert status == 403  # a forged token
    other = Client(console["base"])
    stolen = other.login_token()  # a token from another browser's form is bound to that browser's cookie
    status, _, _ = client.request("/login", {"csrf": stolen, "user": "eng", "password": "engineer-pw"})
    assert status == 403
    assert client.cookie("netops_session") is None


def test_wrong_password_and_unknown_user_are_refused_alike(console):
    client = Client(console["base"])
    assert client.login("eng", "wrong") == 401
    assert client.login("nobody", "engineer-pw") == 401
    assert client.cookie("netops_session") is None
    status, headers, _ = client.request("/topology")
    assert status == 302 and headers["Location"] == "/login"


def test_session_cookie_is_httponly_strict_and_changes_at_login(console):
    client = Client(console["base"])
    client.jar.set_cookie(_cookie("netops_session", "attacker-chosen-id"))
    assert client.login("eng") == 302
    cookie = client.cookie("netops_session")
    assert cookie.value != "attacker-chosen-id" and len(cookie.value) >= 40
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.get_nonstandard_attr("SameSite") == "Strict"
    status, headers, page = client.request("/topology")
    assert status == 200 and "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


def test_forged_or_ended_session_is_not_a_session(console):
    client = Client(console["base"])
    client.jar.set_cookie(_cookie("netops_session", "x" * 43))
    assert client.request("/topology")[0] == 302
    assert client.login("eng") == 302
    status, _, page = client.request("/topology")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert client.request("/logout", {})[0] == 403  # logging out needs the session's CSRF token
    assert client.request("/logout", {"csrf": "nope"})[0] == 403
    assert client.request("/topology")[0] == 200
    old = client.cookie("netops_session").value
    assert client.request("/logout", {"csrf": csrf})[0] == 302
    client.jar.set_cookie(_cookie("netops_session", old))  # replaying the old id after logout
    assert client.request("/topology")[0] == 302


def test_every_page_is_read_only(console):
    client = Client(console["base"])
    client.login("eng")
    for path in ("/topology", "/device/wangtai-ex-sw", "/history/wangtai-ex-sw", "/audit"):
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            assert client.request(path, {}, method=method)[0] == 405, (method, path)


def test_scoped_viewer_gets_403_for_another_towns_devices(console):
    client = Client(console["base"])
    assert client.login("wangtai") == 302
    assert client.request("/device/wangtai-ex-sw")[0] == 200
    assert client.request("/device/wangtai-v001")[0] == 200
    assert client.request("/town/wangtai")[0] == 200
    for path in ("/device/in-core-1", "/device/boli-ex-sw", "/device/boli-v001", "/history/in-core-1",
                 "/history/boli-ex-sw?a=HEAD&b=HEAD", "/town/boli", "/device/no-such-device", "/device/..%2fin-core-1"):
        assert client.request(path)[0] in (403,), path
    status, _, page = client.request("/topology")
    assert status == 200 and "wangtai-ex-sw" in page and "boli-ex-sw" not in page and "in-core-1" not in page
    status, _, page = client.request("/villages")
    assert "town-wangtai" in page and "town-boli" not in page
    status, _, page = client.request("/history")
    assert "boli" not in page


def test_engineer_sees_everything_and_unknown_is_404(console):
    client = Client(console["base"])
    client.login("eng")
    assert client.request("/device/in-core-1")[0] == 200
    assert client.request("/device/no-such-device")[0] == 404


def test_english_switch(console):
    client = Client(console["base"])
    client.login("eng")
    assert "拓扑" in client.request("/topology")[2]
    assert "Topology" in client.request("/topology?lang=en")[2]
    assert "Villages by town" in client.request("/villages")[2]  # remembered in a cookie


def _cookie(name: str, value: str):
    import http.cookiejar

    return http.cookiejar.Cookie(0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None,
                                 False, None, None, {})


def test_audit_page_by_role(console):
    auditor = Client(console["base"])
    assert auditor.login("aud") == 302
    status, _, page = auditor.request("/audit")
    assert status == 200 and "intent.physical-isolation" in page and "policy.yaml" in page  # evidence hashes
    assert "GB/T 22239" in page
    viewer = Client(console["base"])
    viewer.login("wangtai")
    status, _, page = viewer.request("/audit")
    assert status == 200 and "policy.yaml" not in page and "intranet | extranet" not in page
