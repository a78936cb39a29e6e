"""Identity over HTTP with authentication on: registration and its validation, login with
one generic failure and lockout after 5 failures, bearer checks (missing, malformed, forged,
alg none, re-signed with a guessed secret, tampered claims, truncated signatures), refresh
token rotation and reuse detection, logout, and password change revoking older tokens."""

import time

import pytest

from platform_fixtures import (  # noqa: F401  (api: a shared fixture)
    api, PASSWORD, Api, assert_error, assert_unauthenticated, b64url, default_tables,
    hs256_sign, jwt_encode, jwt_parts, start_platform, unique_email, with_payload)

USER_FIELDS = {"id", "email", "name", "role", "organization", "created_at"}
ORG_FIELDS = {"id", "name", "plan", "created_at"}


# The server's signing secret is set (auth.jwt_secret) so that the tests can sign tokens the
# server would accept but for one claim: expired, wrong audience, another organisation...
JWT_SECRET = "test-only-secret-0123456789abcdef-0123456789"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tables = default_tables()
    tables["auth"]["jwt_secret"] = JWT_SECRET
    server = start_platform(tmp_path_factory, tables=tables)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def org_a(api):
    email = unique_email("alice")
    session = api.register(organization="Alpha Wines", email=email, name="Alice")
    return {"email": email, "session": session}


@pytest.fixture(scope="module")
def org_b(api):
    email = unique_email("bob")
    return {"email": email, "session": api.register(organization="Beta Wines", email=email)}


def assert_session(session, email):
    assert set(session) >= {"access_token", "token_type", "expires_in", "refresh_token", "user",
                            "organization"}, session
    assert session["token_type"] == "Bearer"
    assert session["expires_in"] == 900
    assert session["access_token"].count(".") == 2, session["access_token"]
    assert isinstance(session["refresh_token"], str) and len(session["refresh_token"]) >= 20
    assert session["refresh_token"] != session["access_token"]
    assert set(session["user"]) >= USER_FIELDS, session["user"]
    assert set(session["organization"]) >= ORG_FIELDS, session["organization"]
    assert session["user"]["email"] == email.lower()
    assert session["user"]["organization"] == session["organization"]["id"]
    text = str(session).lower()
    assert "argon2" not in text and "password" not in text, session


# ---- registration ----------------------------------------------------------------------------

def test_register_creates_an_organisation_with_its_admin(api, org_a):
    session = org_a["session"]
    assert_session(session, org_a["email"])
    assert session["user"]["role"] == "organization_admin"
    assert session["user"]["name"] == "Alice"
    assert session["organization"]["name"] == "Alpha Wines"
    assert session["organization"]["plan"] == "free"
    header, payload, _ = jwt_parts(session["access_token"])
    assert header["alg"] == "HS256", header
    assert payload["sub"] == session["user"]["id"]
    assert payload["org"] == session["organization"]["id"]
    assert payload["exp"] - payload["iat"] == 900, payload

    me = api.get("/v1/me", session["access_token"])
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["user"]["id"] == session["user"]["id"]
    assert body["organization"]["id"] == session["organization"]["id"]
    assert body["api_key"] is None
    assert "organization:manage_users" in body["permissions"]
    assert "billing:update" in body["permissions"]
    assert not any(p.startswith("admin:") for p in body["permissions"]), body["permissions"]
    assert body["plan"]["name"] == "free", body["plan"]


def test_two_registrations_make_two_organisations(org_a, org_b):
    assert org_a["session"]["organization"]["id"] != org_b["session"]["organization"]["id"]
    assert org_a["session"]["user"]["id"] != org_b["session"]["user"]["id"]


def test_register_with_a_taken_email_is_409_whatever_its_case(api, org_a):
    for email in (org_a["email"], org_a["email"].upper()):
        response = api.post("/v1/auth/register", json={"organization": "Copycat",
                                                       "email": email, "password": PASSWORD})
        body = assert_error(response, 409, "conflict")
        assert "argon2" not in str(body)


@pytest.mark.parametrize("email", ["no-at-sign.example.com", "two@@example.com", "a@b",
                                   "@example.com", "sp ace@example.com", "tab\t@example.com",
                                   "x" * 250 + "@example.com", ""])
def test_register_rejects_malformed_emails(api, email):
    response = api.post("/v1/auth/register", json={"organization": "Bad Mail", "email": email,
                                                   "password": PASSWORD})
    assert_error(response, 422, "validation_failed")


@pytest.mark.parametrize("password", ["short77", "", "p" * 1025])
def test_register_rejects_passwords_outside_8_to_1024_bytes(api, password):
    response = api.post("/v1/auth/register", json={"organization": "Bad Password",
                                                   "email": unique_email("pw"),
                                                   "password": password})
    assert_error(response, 422, "validation_failed")


def test_register_accepts_exactly_8_bytes(api):
    email = unique_email("eight")
    response = api.post("/v1/auth/register", json={"organization": "Eight", "email": email,
                                                   "password": "12345678"})
    assert response.status_code == 201, response.text
    assert api.login(email, "12345678")["user"]["email"] == email


def test_register_rejects_missing_and_unknown_fields(api):
    for body in ({"email": unique_email(), "password": PASSWORD},
                 {"organization": "X", "password": PASSWORD},
                 {"organization": "X", "email": unique_email()},
                 {"organization": "X", "email": unique_email(), "password": PASSWORD,
                  "role": "system_admin"},
                 {"organization": "X", "email": unique_email(), "password": PASSWORD,
                  "plan": "enterprise"}):
        assert_error(api.post("/v1/auth/register", json=body), 422, "validation_failed")


# ---- login and lockout -----------------------------------------------------------------------

def test_login_returns_a_session_and_is_case_insensitive_on_email(api, org_a):
    session = api.login(org_a["email"].upper())
    assert_session(session, org_a["email"])
    assert session["user"]["id"] == org_a["session"]["user"]["id"]
    assert session["refresh_token"] != org_a["session"]["refresh_token"]
    assert api.get("/v1/me", session["access_token"]).status_code == 200


def test_login_failures_all_say_the_same_thing(api, org_a):
    wrong = api.post("/v1/auth/login", json={"email": org_a["email"],
                                             "password": "not the password"})
    unknown = api.post("/v1/auth/login", json={"email": unique_email("ghost"),
                                               "password": PASSWORD})
    wrong_body = assert_unauthenticated(wrong)
    unknown_body = assert_unauthenticated(unknown)
    assert wrong_body["message"] == unknown_body["message"]
    assert wrong_body["details"] == unknown_body["details"]
    assert "argon2" not in wrong.text and "locked" not in wrong_body["details"]


def test_login_with_malformed_bodies_is_rejected(api):
    for body in ({"email": unique_email()}, {"password": PASSWORD}, {}):
        response = api.post("/v1/auth/login", json=body)
        assert response.status_code in (401, 422), response.text
        assert "access_token" not in response.text
    response = api.post("/v1/auth/login", content=b"{not json",
                        headers={"Content-Type": "application/json"})
    assert_error(response, 400, "invalid_json")


def test_five_failures_lock_the_account_even_for_the_right_password(api):
    email = unique_email("locked")
    api.register(organization="Lockout", email=email)
    responses = [api.post("/v1/auth/login", json={"email": email, "password": f"wrong-{i}-pw"})
                 for i in range(5)]
    messages = {assert_unauthenticated(r)["message"] for r in responses}
    locked = api.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    body = assert_unauthenticated(locked)
    assert "access_token" not in locked.text
    # A locked account says the same as any failure (no oracle for the attacker).
    assert messages == {body["message"]}, (messages, body)


def test_a_success_resets_the_failure_count(api):
    email = unique_email("reset")
    api.register(organization="Resets", email=email)
    for _ in range(2):
        for i in range(4):
            assert_unauthenticated(api.post("/v1/auth/login",
                                            json={"email": email, "password": f"bad-pass-{i}"}))
        api.login(email)  # 4 failures, then a success: never 5 in a row


def test_lockout_of_one_account_leaves_others_alone(api, org_b):
    email = unique_email("victim")
    api.register(organization="Victim", email=email)
    for i in range(6):
        api.post("/v1/auth/login", json={"email": email, "password": f"guess-{i}-pw"})
    assert api.login(org_b["email"])["user"]["id"] == org_b["session"]["user"]["id"]


# ---- bearer credentials ----------------------------------------------------------------------

@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer garbage",
                                           "Basic dXNlcjpwYXNz", "bearer.x.y",
                                           "Bearer a.b.c", "Bearer ...", "Bearer key_abc",
                                           "Bearer key_AAAAAAAAAAAAAAAAAAAAAA.secret"])
def test_missing_or_malformed_credentials_are_401(api, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    for method, path in (("GET", "/v1/me"), ("GET", "/v1/collections"),
                         ("POST", "/v1/search"), ("GET", "/v1/sessions")):
        kwargs = {"json": {"query": "wine"}} if method == "POST" else {}
        assert_unauthenticated(api.request(method, path, headers=headers, **kwargs))


def test_public_routes_need_no_credentials(api):
    assert api.get("/health/live").status_code == 200
    assert api.get("/v1/openapi.json").status_code == 200


def forged_tokens(session, other_org_id):
    """Tokens an attacker can make from a real access token without the server's secret."""
    token = session["access_token"]
    header, payload, signature = jwt_parts(token)
    h, p, s = token.split(".")
    rs256 = b64url(b'{"alg":"RS256","typ":"JWT"}')
    hs512 = b64url(b'{"alg":"HS512","typ":"JWT"}')
    escalated = {**payload, "role": "system_admin"}
    tokens = {
        "alg none": jwt_encode({"alg": "none", "typ": "JWT"}, payload),
        "alg None": jwt_encode({"alg": "None", "typ": "JWT"}, payload),
        "alg NONE, role escalated": jwt_encode({"alg": "NONE", "typ": "JWT"}, escalated),
        "alg none with the old signature": jwt_encode({"alg": "none"}, payload, signature),
        "guessed secret 'secret'": hs256_sign(header, escalated, "secret"),
        "guessed secret 'ragd'": hs256_sign(header, payload, "ragd"),
        "empty secret": hs256_sign(header, payload, ""),
        "tampered role": with_payload(token, role="system_admin"),
        "tampered org": with_payload(token, org=other_org_id),
        "tampered sub": with_payload(token, sub="usr_AAAAAAAAAAAAAAAAAAAAAA"),
        "tampered exp": with_payload(token, exp=payload["exp"] + 365 * 86400),
        "expired": with_payload(token, exp=payload["iat"] - 3600, iat=payload["iat"] - 7200),
        "wrong audience": with_payload(token, aud="someone-else"),
        "wrong issuer": with_payload(token, iss="evil"),
        "truncated signature": f"{h}.{p}.{s[:-4]}",
        "one character off": f"{h}.{p}.{s[:-1]}{'A' if s[-1] != 'A' else 'B'}",
        "no signature": f"{h}.{p}.",
        "two segments": f"{h}.{p}",
        "four segments": f"{h}.{p}.{s}.{s}",
        "RS256 header (algorithm confusion)": f"{rs256}.{p}.{s}",
        "HS512 header": f"{hs512}.{p}.{s}",
        "crit header": jwt_encode({**header, "crit": ["exp"]}, payload, signature),
        "whitespace inside": f"{h}. {p}.{s}",
    }
    return tokens


def test_forged_and_tampered_jwts_are_rejected(api, org_a, org_b):
    session = api.login(org_a["email"])
    assert api.get("/v1/me", session["access_token"]).status_code == 200  # the original works
    failures = []
    for name, token in forged_tokens(session, org_b["session"]["organization"]["id"]).items():
        for path in ("/v1/me", "/v1/organization", "/v1/collections"):
            response = api.get(path, token)
            if response.status_code != 401:
                failures.append((name, path, response.status_code, response.text[:200]))
                continue
            assert_unauthenticated(response)
    assert not failures, failures


def resign(token, **changes):
    """The token's claims changed (None removes one) and signed with the server's secret."""
    header, payload, _ = jwt_parts(token)
    payload.update(changes)
    payload = {k: v for k, v in payload.items() if v is not None}
    return hs256_sign(header, payload, JWT_SECRET)


def test_a_re_signed_copy_of_a_real_token_works(api, org_a):
    """The control for the tests below: the helper signs exactly as the server does."""
    session = api.login(org_a["email"])
    response = api.get("/v1/me", resign(session["access_token"]))
    assert response.status_code == 200, response.text
    assert response.json()["user"]["id"] == org_a["session"]["user"]["id"]


def test_validly_signed_tokens_with_bad_claims_are_rejected(api, org_a, org_b):
    session = api.login(org_a["email"])
    token = session["access_token"]
    _, payload, _ = jwt_parts(token)
    now = int(time.time())
    b_user = org_b["session"]["user"]["id"]
    b_org = org_b["session"]["organization"]["id"]
    header, _, _ = jwt_parts(token)
    cases = {
        "expired two minutes ago": resign(token, iat=now - 1020, exp=now - 120),
        "issued in the future": resign(token, iat=now + 3600, exp=now + 4500),
        "not before the future": resign(token, nbf=now + 3600),
        "wrong audience": resign(token, aud="another-api"),
        "audience list without ours": resign(token, aud=["another-api"]),
        "no audience": resign(token, aud=None),
        "wrong issuer": resign(token, iss="evil"),
        "no issuer": resign(token, iss=None),
        "no expiry": resign(token, exp=None),
        "no subject": resign(token, sub=None),
        "unknown subject": resign(token, sub="usr_AAAAAAAAAAAAAAAAAAAAAA"),
        "A's user in B's organisation": resign(token, org=b_org),
        "B's user in A's organisation": resign(token, sub=b_user),
        "crit header": hs256_sign({**header, "crit": ["exp"]}, payload, JWT_SECRET),
        "HS512-labelled": hs256_sign({**header, "alg": "HS512"}, payload, JWT_SECRET),
        "alg none, signed anyway": hs256_sign({**header, "alg": "none"}, payload, JWT_SECRET),
    }
    failures = []
    for name, forged in cases.items():
        for path in ("/v1/me", "/v1/organization", "/v1/collections"):
            response = api.get(path, forged)
            if response.status_code != 401:
                failures.append((name, path, response.status_code, response.text[:300]))
    assert not failures, failures


def test_the_role_claim_is_not_trusted(api, org_a):
    """A validly signed token claiming system_admin acts with the user's real role."""
    session = api.login(org_a["email"])
    forged = resign(session["access_token"], role="system_admin")
    for path, permission in (("/v1/admin/users", None), ("/v1/admin/organizations", None),
                             ("/metrics", "admin:view_system_metrics")):
        response = api.get(path, forged)
        assert response.status_code in (401, 403), (path, response.text)
        if response.status_code == 403 and permission:
            assert response.json()["details"]["permission"] == permission
    me = api.get("/v1/me", forged)
    if me.status_code == 200:
        assert me.json()["user"]["role"] == "organization_admin", me.json()
        assert not any(p.startswith("admin:") for p in me.json()["permissions"]), me.json()
    else:
        assert_unauthenticated(me)


def test_a_token_of_another_deployment_is_rejected(api, tmp_path_factory):
    """A real token signed by another ragd (its own secret), naming the same claims shape."""
    other = start_platform(tmp_path_factory)
    try:
        other_api = Api(other.url)
        foreign = other_api.register(organization="Elsewhere", email=unique_email("foreign"))
        other_api.close()
    finally:
        other.stop()
    assert_unauthenticated(api.get("/v1/me", foreign["access_token"]))


# ---- refresh, logout, password change --------------------------------------------------------

def refresh(api, token):
    return api.post("/v1/auth/refresh", json={"refresh_token": token})


def test_refresh_rotates_and_the_new_pair_works(api, org_a):
    first = api.login(org_a["email"])
    response = refresh(api, first["refresh_token"])
    assert response.status_code == 200, response.text
    second = response.json()
    assert_session(second, org_a["email"])
    assert second["refresh_token"] != first["refresh_token"]
    assert second["user"]["id"] == first["user"]["id"]
    assert api.get("/v1/me", second["access_token"]).status_code == 200
    third = refresh(api, second["refresh_token"])
    assert third.status_code == 200, third.text


def test_reusing_a_rotated_refresh_token_revokes_the_family(api, org_a):
    first = api.login(org_a["email"])
    other_login = api.login(org_a["email"])
    second = refresh(api, first["refresh_token"]).json()
    # The spent token again: refused, and the whole family goes with it.
    assert_unauthenticated(refresh(api, first["refresh_token"]))
    assert_unauthenticated(refresh(api, second["refresh_token"]))
    # Another login of the same user is another family: untouched.
    assert refresh(api, other_login["refresh_token"]).status_code == 200


@pytest.mark.parametrize("token", ["garbage", "rt_AAAAAAAAAAAAAAAAAAAAAA",
                                   "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"])
def test_unknown_refresh_tokens_are_401(api, token):
    assert_unauthenticated(refresh(api, token))


def test_empty_or_oversized_refresh_tokens_are_refused(api):
    for token in ("", "x" * 5000):
        response = refresh(api, token)
        assert response.status_code in (401, 422), response.text[:300]
        assert_error(response, response.status_code)


def test_an_access_token_is_not_a_refresh_token(api, org_a):
    session = api.login(org_a["email"])
    assert_unauthenticated(refresh(api, session["access_token"]))
    # ...and a refresh token is not a bearer credential.
    assert_unauthenticated(api.get("/v1/me", session["refresh_token"]))


def test_logout_revokes_the_login(api, org_a):
    session = api.login(org_a["email"])
    second = refresh(api, session["refresh_token"]).json()
    other_login = api.login(org_a["email"])
    response = api.post("/v1/auth/logout", json={"refresh_token": second["refresh_token"]})
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert_unauthenticated(refresh(api, second["refresh_token"]))
    assert_unauthenticated(refresh(api, session["refresh_token"]))
    assert refresh(api, other_login["refresh_token"]).status_code == 200


def test_logout_of_an_unknown_token_is_204(api):
    assert api.post("/v1/auth/logout", json={"refresh_token": "nothing"}).status_code == 204


def test_password_change_needs_the_current_password(api):
    email = unique_email("pwcheck")
    session = api.register(organization="Password Check", email=email)
    response = api.post("/v1/auth/password", session["access_token"],
                        json={"current_password": "not the one at all",
                              "new_password": "a brand new password"})
    # 422, not 401: the caller's token is fine, and a 401 would make clients sign out.
    assert_error(response, 422, "validation_failed")
    assert "current password is wrong" in response.json()["message"]
    api.login(email)  # unchanged
    short = api.post("/v1/auth/password", session["access_token"],
                     json={"current_password": PASSWORD, "new_password": "short"})
    assert_error(short, 422, "validation_failed")
    api.login(email)
    assert_unauthenticated(api.post("/v1/auth/password",
                                    json={"current_password": PASSWORD,
                                          "new_password": "a brand new password"}))


def test_password_change_revokes_older_tokens(api):
    email = unique_email("pwchange")
    session = api.register(organization="Password Change", email=email)
    other = api.login(email)
    # Tokens carry whole seconds: let the clock pass the second these were issued in.
    time.sleep(1.1)
    response = api.post("/v1/auth/password", session["access_token"],
                        json={"current_password": PASSWORD, "new_password": "new password 123"})
    assert response.status_code == 204, response.text
    for old in (session, other):
        assert_unauthenticated(api.get("/v1/me", old["access_token"]))
        assert_unauthenticated(refresh(api, old["refresh_token"]))
    assert_unauthenticated(api.post("/v1/auth/login",
                                    json={"email": email, "password": PASSWORD}))
    # A login right after the change (same second, likely) must work.
    fresh = api.login(email, "new password 123")
    me = api.get("/v1/me", fresh["access_token"])
    assert me.status_code == 200, me.text
    renewed = refresh(api, fresh["refresh_token"])
    assert renewed.status_code == 200, renewed.text
    assert api.get("/v1/me", renewed.json()["access_token"]).status_code == 200


def test_patch_me_changes_the_name_only(api):
    email = unique_email("patchme")
    session = api.register(organization="Patch Me", email=email)
    token = session["access_token"]
    response = api.patch("/v1/me", token, json={"name": "New Name"})
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "New Name"
    assert response.json()["id"] == session["user"]["id"]
    for body in ({"email": unique_email()}, {"role": "system_admin"},
                 {"organization": "org_AAAAAAAAAAAAAAAAAAAAAA"}):
        assert_error(api.patch("/v1/me", token, json=body), 422, "validation_failed")
    me = api.get("/v1/me", token).json()
    assert me["user"]["email"] == email and me["user"]["role"] == "organization_admin"
    assert me["user"]["organization"] == session["organization"]["id"]
