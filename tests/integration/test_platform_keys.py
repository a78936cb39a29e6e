"""API keys over HTTP: created within the creator's permissions and shown once, accepted as a
bearer credential and as the OpenAI SDK's api_key, narrowed by their scopes and by the
creator's current role, last-used time, revocation, and keys that can never work (wrong
secret, bare id, creator deleted)."""

import datetime
import re

import openai
import pytest

from platform_fixtures import (  # noqa: F401  (api: a shared fixture)
    api, PASSWORD, assert_error, assert_forbidden, assert_not_found, assert_unauthenticated,
    start_platform, unique_email)
from server_fixtures import fake_llm  # noqa: F401

KEY_PATTERN = re.compile(r"^(key_[A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{16,})$")
LISTED_FIELDS = {"id", "name", "scopes", "user", "created_at", "expires_at", "last_used_at",
                 "revoked_at"}
DOCUMENT = ("The cellar door shop sells the estate's olive oil. Olive oil tastings happen "
            "every Saturday at noon in the courtyard.")


@pytest.fixture(scope="module")
def server(tmp_path_factory, fake_llm):  # noqa: F811
    server = start_platform(tmp_path_factory, llm_url=fake_llm.url)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def admin(api):
    email = unique_email("keys-admin")
    session = api.register(organization="Keys Org", email=email)
    token = session["access_token"]
    api.create_collection(token, "default")
    api.create_collection(token, "cellar")
    api.upload(token, "default", "olive-oil", "Olive oil", DOCUMENT)
    return {"email": email, "session": session, "token": token}


@pytest.fixture(scope="module")
def member(api, admin):
    user, session = api.create_user(admin["token"], role="user")
    return {"user": user, "token": session["access_token"]}


def epoch(value):
    """Seconds since the epoch of a time given as a number or an RFC 3339 string."""
    if isinstance(value, (int, float)):
        return value
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def test_a_key_is_shown_once_and_listed_without_its_secret(api, admin):
    created = api.create_key(admin["token"], ["chat:create", "search:execute_basic"],
                             name="shown once")
    assert set(created) >= {"id", "name", "key", "scopes", "created_at", "expires_at"}, created
    match = KEY_PATTERN.match(created["key"])
    assert match, created["key"]
    assert match.group(1) == created["id"]
    assert sorted(created["scopes"]) == ["chat:create", "search:execute_basic"]
    assert created["expires_at"] is None
    secret = match.group(2)

    listed = api.get("/v1/api-keys", admin["token"])
    assert listed.status_code == 200, listed.text
    entries = [k for k in listed.json()["data"] if k["id"] == created["id"]]
    assert len(entries) == 1, listed.json()
    entry = entries[0]
    assert set(entry) >= LISTED_FIELDS, entry
    assert "key" not in entry and secret not in listed.text
    assert entry["user"] == admin["session"]["user"]["id"]
    assert entry["last_used_at"] is None and entry["revoked_at"] is None
    # Two keys never share a secret.
    other = api.create_key(admin["token"], ["chat:create"])
    assert other["id"] != created["id"] and other["key"] != created["key"]


def test_a_key_authenticates_and_is_narrowed_to_its_scopes(api, admin):
    created = api.create_key(admin["token"], ["profile:read_own", "search:execute_basic"])
    me = api.get("/v1/me", created["key"])
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["api_key"] == created["id"]
    assert body["user"]["id"] == admin["session"]["user"]["id"]
    assert sorted(body["permissions"]) == ["profile:read_own", "search:execute_basic"]
    assert api.post("/v1/search", created["key"], json={"query": "olive oil"}).status_code == 200
    assert_forbidden(api.post("/v1/chat", created["key"], json={"message": "olive oil?"}),
                     "chat:create")
    assert_forbidden(api.get("/v1/organization/users", created["key"]),
                     "organization:manage_users")
    assert_forbidden(api.post("/v1/collections", created["key"],
                              json={"name": "from-a-key", "embedding_model": "none"}),
                     "organization:update")


def test_a_key_cannot_create_keys(api, admin):
    created = api.create_key(admin["token"], ["api:access", "chat:create"])
    response = api.post("/v1/api-keys", created["key"],
                        json={"name": "child", "scopes": ["chat:create"]})
    assert_error(response, 403, "forbidden")
    assert "key" not in response.json()
    names = [k["name"] for k in api.get("/v1/api-keys", admin["token"]).json()["data"]]
    assert "child" not in names, names


def test_scopes_must_be_known_and_a_subset_of_the_callers(api, admin, member):
    for scopes in ([], ["chat:nonsense"], ["chat:create", "root"], [""], [7]):
        response = api.post("/v1/api-keys", admin["token"], json={"name": "bad", "scopes": scopes})
        assert_error(response, 422, "validation_failed")
    # A user may not hand a program more than they hold.
    for scope in ("organization:manage_users", "admin:access_dashboard", "billing:read"):
        response = api.post("/v1/api-keys", member["token"],
                            json={"name": "escalate", "scopes": ["chat:create", scope]})
        assert response.status_code in (403, 422), response.text
        assert "key" not in response.json()
    response = api.post("/v1/api-keys", admin["token"],
                        json={"name": "sysadmin", "scopes": ["admin:view_all_users"]})
    assert response.status_code in (403, 422), response.text


def test_scopes_must_be_an_array(api, admin):
    response = api.post("/v1/api-keys", admin["token"],
                        json={"name": "string scopes", "scopes": "chat:create"})
    assert_error(response, 422, "validation_failed")


def test_expiry_bounds(api, admin):
    for days in (0, -1, 3651, "7", 1.5):
        response = api.post("/v1/api-keys", admin["token"],
                            json={"name": "expiry", "scopes": ["chat:create"],
                                  "expires_in_days": days})
        assert_error(response, 422, "validation_failed")
    created = api.create_key(admin["token"], ["chat:create"], expires_in_days=1)
    lifetime = epoch(created["expires_at"]) - epoch(created["created_at"])
    assert abs(lifetime - 86400) <= 5, created
    assert api.get("/v1/models", created["key"]).status_code == 200


def test_last_used_at_is_set_by_use(api, admin):
    created = api.create_key(admin["token"], ["search:execute_basic"])
    assert api.get("/v1/collections", created["key"]).status_code == 200
    listed = api.get("/v1/api-keys", admin["token"]).json()["data"]
    entry = next(k for k in listed if k["id"] == created["id"])
    assert entry["last_used_at"] is not None, entry


def test_revoked_keys_stop_at_once(api, admin):
    created = api.create_key(admin["token"], ["search:execute_basic"])
    assert api.get("/v1/collections", created["key"]).status_code == 200
    response = api.delete(f"/v1/api-keys/{created['id']}", admin["token"])
    assert response.status_code == 204, response.text
    assert_unauthenticated(api.get("/v1/collections", created["key"]))
    entry = next(k for k in api.get("/v1/api-keys", admin["token"]).json()["data"]
                 if k["id"] == created["id"])
    assert entry["revoked_at"] is not None, entry
    assert_not_found(api.delete("/v1/api-keys/key_AAAAAAAAAAAAAAAAAAAAAA", admin["token"]))


def test_a_key_cannot_revoke_itself_into_other_keys(api, admin, member):
    """A plain user sees and revokes their own keys only."""
    admins_key = api.create_key(admin["token"], ["search:execute_basic"])
    members_key = api.create_key(member["token"], ["search:execute_basic"])
    listed = api.get("/v1/api-keys", member["token"])
    assert listed.status_code == 200, listed.text
    ids = {k["id"] for k in listed.json()["data"]}
    assert members_key["id"] in ids and admins_key["id"] not in ids
    refused = api.delete(f"/v1/api-keys/{admins_key['id']}", member["token"])
    assert refused.status_code in (403, 404), refused.text
    assert api.get("/v1/collections", admins_key["key"]).status_code == 200
    # The organisation's admin sees and may revoke every key of the organisation.
    ids = {k["id"] for k in api.get("/v1/api-keys", admin["token"]).json()["data"]}
    assert members_key["id"] in ids
    assert api.delete(f"/v1/api-keys/{members_key['id']}", admin["token"]).status_code == 204
    assert_unauthenticated(api.get("/v1/collections", members_key["key"]))
    # A 403 names the permission that was missing (docs/api.md, "Errors added by the platform").
    if refused.status_code == 403:
        assert_forbidden(refused, "organization:manage_users")


def test_keys_that_were_never_issued(api, admin):
    created = api.create_key(admin["token"], ["search:execute_basic"])
    key_id, secret = created["key"].split(".")
    flipped = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    for fake in (key_id, f"{key_id}.", f"{key_id}.{flipped}", f"{key_id}.{secret[:-3]}",
                 f"{key_id}.{secret}x", f"key_AAAAAAAAAAAAAAAAAAAAAA.{secret}",
                 f"{key_id.upper()}.{secret}", f"{key_id}.{secret}.{secret}"):
        assert_unauthenticated(api.get("/v1/collections", fake))
    assert api.get("/v1/collections", created["key"]).status_code == 200


def test_a_key_follows_its_creators_role(api, admin):
    user, session = api.create_user(admin["token"], role="user")
    created = api.create_key(session["access_token"], ["chat:create", "search:execute_basic"])
    assert api.post("/v1/chat", created["key"], json={"message": "olive oil tastings?"}) \
        .status_code == 200
    demoted = api.patch(f"/v1/organization/users/{user['id']}", admin["token"],
                        json={"role": "guest"})
    assert demoted.status_code == 200, demoted.text
    assert_forbidden(api.post("/v1/chat", created["key"], json={"message": "olive oil?"}),
                     "chat:create")
    assert api.post("/v1/search", created["key"], json={"query": "olive"}).status_code == 200
    deleted = api.delete(f"/v1/organization/users/{user['id']}", admin["token"])
    assert deleted.status_code == 204, deleted.text
    assert_unauthenticated(api.post("/v1/search", created["key"], json={"query": "olive"}))


# ---- the OpenAI SDK with a ragd key ----------------------------------------------------------

def sdk(url, key):
    return openai.OpenAI(api_key=key, base_url=url + "/v1", max_retries=0, timeout=60)


def test_openai_sdk_with_a_ragd_key(server, api, admin, fake_llm):  # noqa: F811
    fake_llm.reset()
    created = api.create_key(admin["token"], ["chat:create"])
    with sdk(server.url, created["key"]) as client:
        models = {m.id for m in client.models.list().data}
        assert {"default", "cellar"} <= models, models
        completion = client.chat.completions.create(
            model="default", messages=[{"role": "user", "content": "When are olive oil tastings?"}])
        assert completion.choices[0].message.content
        assert "olive" in completion.choices[0].message.content.lower() or \
            "saturday" in completion.choices[0].message.content.lower(), completion
        citations = (completion.model_extra or {}).get("citations")
        assert citations and citations[0]["document"].startswith("olive-oil"), citations

        assert api.delete(f"/v1/api-keys/{created['id']}", admin["token"]).status_code == 204
        with pytest.raises(openai.AuthenticationError):
            client.models.list()
        with pytest.raises(openai.AuthenticationError):
            client.chat.completions.create(model="default",
                                           messages=[{"role": "user", "content": "olive?"}])


def test_openai_sdk_with_a_bad_or_narrow_key(server, api, admin):
    with sdk(server.url, "sk-not-a-ragd-key") as client:
        with pytest.raises(openai.AuthenticationError):
            client.models.list()
    narrow = api.create_key(admin["token"], ["search:execute_basic"])
    with sdk(server.url, narrow["key"]) as client:
        with pytest.raises(openai.PermissionDeniedError):
            client.chat.completions.create(model="default",
                                           messages=[{"role": "user", "content": "olive?"}])


def test_a_deleted_accounts_keys_stop(api, admin):
    email = unique_email("leaver")
    user, session = api.create_user(admin["token"], role="user", email=email)
    created = api.create_key(session["access_token"], ["search:execute_basic"])
    assert api.delete("/v1/me", session["access_token"]).status_code == 204
    assert_unauthenticated(api.get("/v1/collections", created["key"]))
    assert_unauthenticated(api.post("/v1/auth/login", json={"email": email,
                                                            "password": PASSWORD}))
