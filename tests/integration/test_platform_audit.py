"""The audit log over HTTP: each audited action (logins that succeed and fail, refresh-token
reuse, logout, password change, users, roles, API keys, collections, documents, exports,
account deletion) leaves an entry saying who, what, the outcome, the client's IP, user agent
and request id; admins read it newest first with filters and paging; users cannot; it
cannot be changed. Also the account export and account deletion of a user."""

import json
import uuid

import pytest

from platform_fixtures import (  # noqa: F401  (api: a shared fixture)
    api, PASSWORD, assert_error, assert_forbidden, assert_unauthenticated, start_platform,
    unique_email)

ENTRY_FIELDS = {"id", "at", "organization", "actor_user", "actor_key", "action", "target",
                "outcome", "ip", "user_agent", "request_id", "details"}
AGENT = "ragd-audit-test/1.0"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = start_platform(tmp_path_factory)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def org(api):
    email = unique_email("auditor")
    session = api.register(organization="Audited Org", email=email)
    return {"email": email, "session": session, "token": session["access_token"],
            "org_id": session["organization"]["id"], "user_id": session["user"]["id"]}


def traced(name):
    """Headers naming a request: (headers, request id)."""
    request_id = f"audit-{name}-{uuid.uuid4().hex[:10]}"
    return {"X-Request-ID": request_id, "User-Agent": AGENT}, request_id


def entries(api, token, **query):
    response = api.get("/v1/audit", token, params=query)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "next_before" in body, body
    for entry in body["data"]:
        assert set(entry) >= ENTRY_FIELDS, entry
    return body["data"]


def find_entry(api, token, action, request_id):
    """The one entry of `action` made by the request `request_id`."""
    found = [e for e in entries(api, token, action=action, limit=1000)
             if e["request_id"] == request_id]
    assert len(found) == 1, (action, request_id, entries(api, token, limit=20))
    entry = found[0]
    assert entry["action"] == action
    assert entry["ip"] == "127.0.0.1", entry
    assert entry["user_agent"] == AGENT, entry
    assert isinstance(entry["at"], (int, str)) and entry["at"], entry
    return entry


def test_login_success_and_failure_are_recorded(api, org):
    headers, ok_id = traced("login-ok")
    response = api.post("/v1/auth/login", headers=headers,
                        json={"email": org["email"], "password": PASSWORD})
    assert response.status_code == 200, response.text
    headers, bad_id = traced("login-bad")
    assert_unauthenticated(api.post("/v1/auth/login", headers=headers,
                                    json={"email": org["email"], "password": "wrong password"}))
    ok = find_entry(api, org["token"], "auth.login", ok_id)
    assert ok["outcome"] == "success" and ok["actor_user"] == org["user_id"], ok
    assert ok["organization"] == org["org_id"], ok
    bad = find_entry(api, org["token"], "auth.login", bad_id)
    assert bad["outcome"] in ("failure", "denied"), bad
    # Who was attacked: the account (its id or its e-mail address).
    assert org["user_id"] in json.dumps(bad) or org["email"] in json.dumps(bad), bad
    assert "wrong password" not in str(bad) and PASSWORD not in str(bad), bad


def test_session_lifecycle_is_recorded(api, org):
    session = api.login(org["email"])
    headers, rotate_id = traced("refresh")
    rotated = api.post("/v1/auth/refresh", headers=headers,
                       json={"refresh_token": session["refresh_token"]})
    assert rotated.status_code == 200, rotated.text
    headers, reuse_id = traced("reuse")
    assert_unauthenticated(api.post("/v1/auth/refresh", headers=headers,
                                    json={"refresh_token": session["refresh_token"]}))
    reuse = find_entry(api, org["token"], "auth.refresh_reuse", reuse_id)
    assert reuse["actor_user"] == org["user_id"] or reuse["target"] == org["user_id"], reuse
    assert reuse["outcome"] in ("denied", "failure", "success"), reuse

    other = api.login(org["email"])
    headers, logout_id = traced("logout")
    assert api.post("/v1/auth/logout", headers=headers,
                    json={"refresh_token": other["refresh_token"]}).status_code == 204
    logout = find_entry(api, org["token"], "auth.logout", logout_id)
    assert logout["outcome"] == "success" and logout["actor_user"] == org["user_id"], logout


def test_password_change_is_recorded(api):
    email = unique_email("pw-audit")
    session = api.register(organization="Password Audit", email=email)
    headers, request_id = traced("password")
    response = api.post("/v1/auth/password", session["access_token"], headers=headers,
                        json={"current_password": PASSWORD, "new_password": "another password"})
    assert response.status_code == 204, response.text
    token = api.login(email, "another password")["access_token"]
    entry = find_entry(api, token, "auth.password_change", request_id)
    assert entry["outcome"] == "success" and entry["actor_user"] == session["user"]["id"]
    assert "another password" not in str(entry) and PASSWORD not in str(entry)


def test_user_and_key_administration_is_recorded(api, org):
    token = org["token"]
    headers, create_id = traced("user-create")
    response = api.post("/v1/organization/users", token, headers=headers,
                        json={"email": unique_email("staff"), "password": PASSWORD,
                              "role": "user"})
    assert response.status_code == 201, response.text
    user_id = response.json()["id"]
    created = find_entry(api, token, "user.create", create_id)
    assert created["target"] == user_id and created["actor_user"] == org["user_id"], created
    assert created["outcome"] == "success"

    headers, role_id = traced("role")
    assert api.patch(f"/v1/organization/users/{user_id}", token, headers=headers,
                     json={"role": "pro_user"}).status_code == 200
    role = find_entry(api, token, "user.role_change", role_id)
    assert role["target"] == user_id and "pro_user" in json.dumps(role), role

    headers, key_id = traced("key-create")
    response = api.post("/v1/api-keys", token, headers=headers,
                        json={"name": "audited", "scopes": ["search:execute_basic"]})
    assert response.status_code == 201, response.text
    key = response.json()
    key_entry = find_entry(api, token, "api_key.create", key_id)
    assert key_entry["target"] == key["id"], key_entry
    assert key["key"].split(".")[1] not in str(key_entry), key_entry  # never the secret

    headers, revoke_id = traced("key-revoke")
    assert api.delete(f"/v1/api-keys/{key['id']}", token, headers=headers).status_code == 204
    revoked = find_entry(api, token, "api_key.revoke", revoke_id)
    assert revoked["target"] == key["id"] and revoked["outcome"] == "success", revoked

    headers, delete_id = traced("user-delete")
    assert api.delete(f"/v1/organization/users/{user_id}", token,
                      headers=headers).status_code == 204
    deleted = find_entry(api, token, "user.delete", delete_id)
    assert deleted["target"] == user_id, deleted

    headers, org_id = traced("org-update")
    assert api.patch("/v1/organization", token, headers=headers,
                     json={"name": "Audited Org Renamed"}).status_code == 200
    updated = find_entry(api, token, "organization.update", org_id)
    assert updated["target"] == org["org_id"], updated


def test_collection_and_document_changes_are_recorded(api, org):
    token = org["token"]
    headers, create_id = traced("collection-create")
    response = api.post("/v1/collections", token, headers=headers,
                        json={"name": "audited", "embedding_model": "none"})
    assert response.status_code == 201, response.text
    assert find_entry(api, token, "collection.create", create_id)["target"].endswith("audited")

    headers, upload_id = traced("upload")
    response = api.post("/v1/collections/audited/documents", token, headers=headers,
                        json={"id": "memo", "title": "Memo", "text": "A memo about corks."})
    assert response.status_code == 202, response.text
    api.wait_job(token, response.json()["job"]["id"])
    upload = find_entry(api, token, "document.upload", upload_id)
    assert "memo" in upload["target"] and upload["actor_user"] == org["user_id"], upload

    headers, delete_id = traced("doc-delete")
    assert api.delete("/v1/collections/audited/documents/memo.md", token,
                      headers=headers).status_code == 204
    assert "memo" in find_entry(api, token, "document.delete", delete_id)["target"]

    headers, drop_id = traced("collection-delete")
    assert api.delete("/v1/collections/audited", token, headers=headers).status_code == 204
    assert find_entry(api, token, "collection.delete", drop_id)["target"].endswith("audited")


def test_registration_is_recorded_in_the_new_organisation(api):
    headers, request_id = traced("register")
    response = api.post("/v1/auth/register", headers=headers,
                        json={"organization": "Fresh Org", "email": unique_email("fresh"),
                              "password": PASSWORD})
    assert response.status_code == 201, response.text
    session = response.json()
    entry = find_entry(api, session["access_token"], "organization.create", request_id)
    assert entry["organization"] == session["organization"]["id"], entry


def test_reading_the_audit_log_needs_manage_users(api, org):
    user, session = api.create_user(org["token"], role="pro_user")
    assert_forbidden(api.get("/v1/audit", session["access_token"]), "organization:manage_users")
    key = api.create_key(org["token"], ["search:execute_basic"])["key"]
    assert_forbidden(api.get("/v1/audit", key), "organization:manage_users")
    assert_unauthenticated(api.get("/v1/audit"))


def test_audit_reads_newest_first_with_filters_and_paging(api, org):
    token = org["token"]
    everything = entries(api, token, limit=1000)
    ids = [e["id"] for e in everything]
    assert ids == sorted(ids, reverse=True), ids
    assert all(e["organization"] == org["org_id"] for e in everything)
    logins = entries(api, token, action="auth.login")
    assert logins and all(e["action"] == "auth.login" for e in logins)
    prefix = entries(api, token, action="auth.")
    assert {e["action"] for e in prefix} >= {"auth.login", "auth.logout"}
    assert all(e["action"].startswith("auth.") for e in prefix)
    mine = entries(api, token, actor=org["user_id"])
    assert mine and all(e["actor_user"] == org["user_id"] for e in mine)
    first = api.get("/v1/audit", token, params={"limit": 2}).json()
    assert len(first["data"]) == 2 and first["next_before"] is not None, first
    second = api.get("/v1/audit", token,
                     params={"limit": 2, "before": first["next_before"]}).json()
    assert second["data"] and second["data"][0]["id"] < first["data"][-1]["id"], (first, second)
    assert ids[2:4] == [e["id"] for e in second["data"]], (ids[:5], second)
    assert entries(api, token, since="2999-01-01") == []
    assert len(entries(api, token, until="2000-01-01")) == 0
    for bad in ({"limit": 0}, {"limit": 1001}, {"since": "yesterday"}, {"before": "x"}):
        assert_error(api.get("/v1/audit", token, params=bad), 422)


def test_the_audit_log_cannot_be_changed(api, org):
    token = org["token"]
    entry_id = entries(api, token, limit=1)[0]["id"]
    for method, path in (("DELETE", "/v1/audit"), ("PATCH", "/v1/audit"), ("POST", "/v1/audit"),
                         ("PUT", "/v1/audit"), ("DELETE", f"/v1/audit/{entry_id}")):
        response = api.request(method, path, token, json={})
        assert response.status_code in (404, 405), (method, path, response.text)
    assert entries(api, token, limit=1)[0]["id"] >= entry_id


# ---- the account: export and deletion --------------------------------------------------------

@pytest.fixture(scope="module")
def member(api, org):
    email = unique_email("member")
    user, session = api.create_user(org["token"], role="user", email=email)
    token = session["access_token"]
    api.create_collection(org["token"], "default")
    api.upload(org["token"], "default", "corks", "Corks",
               "Natural corks come from the bark of the cork oak in Portugal.")
    chats = [api.chat(token, "Where do natural corks come from?", cache="bypass"),
             api.chat(token, "What tree gives corks?", cache="bypass")]
    key = api.create_key(token, ["search:execute_basic"])
    return {"email": email, "user": user, "token": token, "chats": chats, "key": key,
            "refresh_token": session["refresh_token"]}


def test_export_returns_every_piece_of_the_users_data(api, org, member):
    headers, request_id = traced("export")
    response = api.get("/v1/me/export", member["token"], headers=headers)
    assert response.status_code == 200, response.text
    export = response.json()
    assert set(export) >= {"user", "organization", "sessions", "api_keys", "usage", "audit"}
    assert export["user"]["id"] == member["user"]["id"]
    assert export["user"]["email"] == member["email"]
    assert export["organization"]["id"] == org["org_id"]
    session_ids = {s["id"] for s in export["sessions"]}
    assert session_ids == {c["session_id"] for c in member["chats"]}, export["sessions"]
    questions = {t["question"] for s in export["sessions"] for t in s["turns"]}
    assert questions == {"Where do natural corks come from?", "What tree gives corks?"}
    assert [k["id"] for k in export["api_keys"]] == [member["key"]["id"]]
    assert member["key"]["key"].split(".")[1] not in response.text
    assert "argon2" not in response.text and PASSWORD not in response.text
    assert sum(u["amount"] for u in export["usage"] if u["meter"] == "messages") == 2
    # The admin's sessions and data are not the member's.
    assert org["email"] not in response.text
    entry = find_entry(api, org["token"], "account.export", request_id)
    assert entry["actor_user"] == member["user"]["id"], entry


def test_account_deletion_closes_the_account_at_once(api, org, member):
    session_ids = [c["session_id"] for c in member["chats"]]
    assert api.get(f"/v1/sessions/{session_ids[0]}", member["token"]).status_code == 200
    headers, request_id = traced("account-delete")
    response = api.delete("/v1/me", member["token"], headers=headers)
    assert response.status_code == 204, response.text
    assert_unauthenticated(api.post("/v1/auth/login", json={"email": member["email"],
                                                            "password": PASSWORD}))
    assert_unauthenticated(api.get("/v1/me", member["token"]))
    assert_unauthenticated(api.get(f"/v1/sessions/{session_ids[0]}", member["token"]))
    assert_unauthenticated(api.get("/v1/collections", member["key"]["key"]))
    assert_unauthenticated(api.post("/v1/auth/refresh",
                                    json={"refresh_token": member["refresh_token"]}))
    users = api.get("/v1/organization/users", org["token"]).json()["data"]
    assert member["user"]["id"] not in {u["id"] for u in users}
    assert_error(api.get(f"/v1/organization/users/{member['user']['id']}", org["token"]), 404)
    # Sessions are gone from view: the admin's session listing never had them, and the ids
    # resolve to nothing for anyone in the organisation.
    for session_id in session_ids:
        assert_error(api.get(f"/v1/sessions/{session_id}", org["token"]), 404)
    entry = find_entry(api, org["token"], "account.delete", request_id)
    assert entry["actor_user"] == member["user"]["id"] and entry["outcome"] == "success", entry
