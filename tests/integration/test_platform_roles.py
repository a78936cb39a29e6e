"""Roles and privilege escalation over HTTP: each role reaches what the table of docs/api.md
gives it and gets 403 `forbidden` naming the missing permission otherwise; nobody grants a
role above their own or changes their own role; an organisation keeps one admin; API keys
act with their scopes only; system-admin routes need a system admin (made with
`ragd admin create-org --system-admin`)."""

import pytest

from platform_fixtures import (  # noqa: F401  (api: a shared fixture)
    api, PASSWORD, assert_error, assert_forbidden, assert_not_found, assert_unauthenticated,
    create_system_admin, start_platform, unique_email)

SYSADMIN_EMAIL = unique_email("operator")
DOCUMENT = "Barrel rooms are kept at twelve degrees. Tours of the barrel room start at two."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = start_platform(tmp_path_factory)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def org(api):
    """An organisation with one user of each role below organization_admin."""
    session = api.register(organization="Roles Org", email=unique_email("roles-admin"))
    token = session["access_token"]
    api.create_collection(token, "default")
    api.upload(token, "default", "barrels", "Barrels", DOCUMENT)
    people = {"organization_admin": {"user": session["user"], "token": token}}
    for role in ("guest", "user", "pro_user"):
        user, user_session = api.create_user(token, role=role)
        assert user["role"] == role, user
        assert user["organization"] == session["organization"]["id"], user
        people[role] = {"user": user, "token": user_session["access_token"]}
    people["organization"] = session["organization"]
    return people


@pytest.fixture(scope="module")
def sysadmin(server, api):
    """The operator's organisation, made with the CLI on the running server's data folder
    (SQLite in WAL mode: the CLI and the server share it)."""
    create_system_admin(server.data, SYSADMIN_EMAIL)
    session = api.login(SYSADMIN_EMAIL)
    assert session["user"]["role"] == "system_admin", session["user"]
    return session


def test_me_lists_each_roles_permissions(api, org):
    expected = {
        "guest": {"profile:read_own", "chat:read_own", "search:execute_basic"},
        "user": {"profile:read_own", "chat:read_own", "search:execute_basic", "chat:create",
                 "profile:update_own", "organization:read", "api:access"},
    }
    expected["pro_user"] = expected["user"] | {"search:execute_advanced", "chat:bulk_export"}
    expected["organization_admin"] = expected["pro_user"] | {
        "organization:update", "organization:manage_users", "billing:read", "billing:update"}
    failures = []
    for role, permissions in expected.items():
        response = api.get("/v1/me", org[role]["token"])
        if response.status_code != 200:
            failures.append((role, response.status_code, response.text[:200]))
            continue
        assert set(response.json()["permissions"]) == permissions, (role, response.json())
        assert response.json()["user"]["role"] == role
    assert not failures, failures


def test_guest_cannot_chat_but_can_search_and_read(api, org):
    guest = org["guest"]["token"]
    assert_forbidden(api.post("/v1/chat", guest, json={"message": "barrel tours?"}),
                     "chat:create")
    assert_forbidden(api.post("/v1/chat/completions", guest,
                              json={"model": "ragd",
                                    "messages": [{"role": "user", "content": "barrels?"}]}),
                     "chat:create")
    assert_forbidden(api.get("/v1/models", guest), "chat:create")
    assert_forbidden(api.post("/v1/api-keys", guest,
                              json={"name": "k", "scopes": ["search:execute_basic"]}),
                     "api:access")
    assert_forbidden(api.patch("/v1/me", guest, json={"name": "Guesty"}), "profile:update_own")
    assert_forbidden(api.get("/v1/organization", guest), "organization:read")
    assert_forbidden(api.post("/v1/embeddings", guest, json={"input": "barrel"}), "api:access")
    assert api.get("/v1/collections", guest).status_code == 200
    assert api.get("/v1/sessions", guest).status_code == 200
    found = api.post("/v1/search", guest, json={"query": "barrel tours"})
    assert found.status_code == 200, found.text
    assert found.json()["results"], found.json()


def test_advanced_search_needs_pro(api, org):
    for role in ("guest", "user"):
        token = org[role]["token"]
        for body in ({"query": "barrel", "mode": "lexical"},
                     {"query": "barrel", "mode": "hybrid"},
                     {"query": "barrel", "filters": {"domain": "x"}}):
            assert_forbidden(api.post("/v1/search", token, json=body), "search:execute_advanced")
        assert api.post("/v1/search", token, json={"query": "barrel", "mode": "auto"}) \
            .status_code == 200
    pro = api.post("/v1/search", org["pro_user"]["token"],
                   json={"query": "barrel", "mode": "lexical"})
    assert pro.status_code == 200, pro.text


def test_users_cannot_change_the_organisation(api, org):
    for role in ("guest", "user", "pro_user"):
        token = org[role]["token"]
        assert_forbidden(api.post("/v1/collections", token,
                                  json={"name": f"by-{role.replace('_', '-')}",
                                        "embedding_model": "none"}), "organization:update")
        assert_forbidden(api.delete("/v1/collections/default", token), "organization:update")
        assert_forbidden(api.patch("/v1/collections/default", token,
                                   json={"description": "mine now"}), "organization:update")
        assert_forbidden(api.post("/v1/collections/default/documents", token,
                                  json={"id": "planted", "text": "planted text"}),
                         "organization:update")
        assert_forbidden(api.delete("/v1/collections/default/documents/barrels.md", token),
                         "organization:update")
        assert_forbidden(api.get("/v1/organization/users", token), "organization:manage_users")
        assert_forbidden(api.get("/v1/audit", token), "organization:manage_users")
        assert_forbidden(api.get("/v1/usage/statement", token), "billing:read")
        # A guest lacks organization:read, the door to PATCH /v1/organization, already.
        assert_forbidden(api.patch("/v1/organization", token, json={"plan": "enterprise"}),
                         "organization:read" if role == "guest" else "billing:update")
    assert_forbidden(api.patch("/v1/organization", org["user"]["token"],
                               json={"name": "Renamed"}), "organization:update")
    organization = api.get("/v1/organization", org["organization_admin"]["token"]).json()
    assert organization["plan"] == "free" and organization["name"] == "Roles Org"
    assert api.get("/v1/collections/default/documents/barrels.md",
                   org["user"]["token"]).status_code == 200


def test_users_cannot_create_or_promote_users(api, org):
    org_id = org["organization"]["id"]
    for role in ("guest", "user", "pro_user"):
        token = org[role]["token"]
        me = org[role]["user"]
        for new_role in ("user", "organization_admin", "system_admin"):
            response = api.post("/v1/organization/users", token,
                                json={"email": unique_email("sneaky"), "password": PASSWORD,
                                      "role": new_role})
            assert_forbidden(response, "organization:manage_users")
        # Their own role, through every door.
        assert_forbidden(api.patch(f"/v1/organization/users/{me['id']}", token,
                                   json={"role": "organization_admin"}),
                         "organization:manage_users")
        if role == "guest":
            assert_forbidden(api.patch("/v1/me", token, json={"role": "organization_admin"}),
                             "profile:update_own")
        else:
            assert_error(api.patch("/v1/me", token, json={"role": "organization_admin"}), 422)
        me_now = api.get(f"/v1/organization/users/{me['id']}", org["organization_admin"]["token"])
        assert me_now.json()["role"] == role, me_now.json()
        assert me_now.json()["organization"] == org_id


def test_an_admin_cannot_grant_system_admin(api, org):
    admin = org["organization_admin"]["token"]
    response = api.post("/v1/organization/users", admin,
                        json={"email": unique_email("root"), "password": PASSWORD,
                              "role": "system_admin"})
    assert_error(response, 403, "forbidden")
    response = api.patch(f"/v1/organization/users/{org['user']['user']['id']}", admin,
                         json={"role": "system_admin"})
    assert_error(response, 403, "forbidden")
    response = api.patch(f"/v1/organization/users/{org['organization_admin']['user']['id']}",
                         admin, json={"role": "system_admin"})
    assert_error(response, 403, "forbidden")
    for bad in ("superuser", "", "SYSTEM_ADMIN", 3):
        response = api.post("/v1/organization/users", admin,
                            json={"email": unique_email("odd"), "password": PASSWORD,
                                  "role": bad})
        assert_error(response, 422, "validation_failed")
    assert api.get("/v1/me", admin).json()["user"]["role"] == "organization_admin"


def test_the_last_admin_stays(api, org):
    admin = org["organization_admin"]
    response = api.patch(f"/v1/organization/users/{admin['user']['id']}", admin["token"],
                         json={"role": "user"})
    assert_error(response, 409, "conflict")
    response = api.delete(f"/v1/organization/users/{admin['user']['id']}", admin["token"])
    assert_error(response, 409, "conflict")
    assert_error(api.delete("/v1/me", admin["token"]), 409, "conflict")
    assert api.get("/v1/me", admin["token"]).json()["user"]["role"] == "organization_admin"


def test_a_role_change_acts_at_once(api, org):
    admin = org["organization_admin"]["token"]
    user, session = api.create_user(admin, role="user")
    token = session["access_token"]
    assert api.post("/v1/chat", token, json={"message": "barrel tours?"}).status_code == 200
    response = api.patch(f"/v1/organization/users/{user['id']}", admin, json={"role": "guest"})
    assert response.status_code == 200 and response.json()["role"] == "guest", response.text
    # The access token still says "user": the server must take the role from the user record.
    assert_forbidden(api.post("/v1/chat", token, json={"message": "barrel tours?"}),
                     "chat:create")
    promoted = api.patch(f"/v1/organization/users/{user['id']}", admin,
                         json={"role": "organization_admin"})
    assert promoted.status_code == 200, promoted.text
    assert api.get("/v1/organization/users", token).status_code == 200
    # Two admins now: one may step down.
    down = api.patch(f"/v1/organization/users/{user['id']}", admin, json={"role": "user"})
    assert down.status_code == 200, down.text
    deleted = api.delete(f"/v1/organization/users/{user['id']}", admin)
    assert deleted.status_code == 204, deleted.text
    assert_unauthenticated(api.get("/v1/me", token))
    assert_not_found(api.get(f"/v1/organization/users/{user['id']}", admin))


def test_narrow_api_keys_get_403_naming_the_permission(api, org):
    admin = org["organization_admin"]["token"]
    key = api.create_key(admin, ["search:execute_basic"])["key"]
    assert api.post("/v1/search", key, json={"query": "barrel"}).status_code == 200
    for method, path, body, permission in (
            ("POST", "/v1/chat", {"message": "barrels?"}, "chat:create"),
            ("GET", "/v1/models", None, "chat:create"),
            ("GET", "/v1/me", None, "profile:read_own"),
            ("GET", "/v1/sessions", None, "chat:read_own"),
            ("POST", "/v1/search", {"query": "barrel", "mode": "lexical"},
             "search:execute_advanced"),
            ("GET", "/v1/organization", None, "organization:read"),
            ("GET", "/v1/organization/users", None, "organization:manage_users"),
            ("GET", "/v1/audit", None, "organization:manage_users"),
            ("GET", "/v1/usage/statement", None, "billing:read"),
            ("POST", "/v1/collections", {"name": "from-key", "embedding_model": "none"},
             "organization:update"),
            ("POST", "/v1/embeddings", {"input": "barrel"}, "api:access")):
        kwargs = {"json": body} if body is not None else {}
        assert_forbidden(api.request(method, path, key, **kwargs), permission)
    response = api.post("/v1/api-keys", key, json={"name": "child",
                                                   "scopes": ["search:execute_basic"]})
    assert_error(response, 403, "forbidden")


def test_system_admin_routes_need_a_system_admin(api, org):
    org_id = org["organization"]["id"]
    for role in ("guest", "user", "pro_user", "organization_admin"):
        token = org[role]["token"]
        assert_forbidden(api.get("/v1/admin/organizations", token), "admin:access_dashboard")
        response = api.get("/v1/admin/users", token)
        assert_error(response, 403, "forbidden")
        assert response.json()["details"]["permission"] in ("admin:access_dashboard",
                                                            "admin:view_all_users")
        assert_forbidden(api.patch(f"/v1/admin/organizations/{org_id}", token,
                                   json={"plan": "enterprise"}), "admin:manage_features")
        assert_forbidden(api.get("/metrics", token), "admin:view_system_metrics")
    assert_unauthenticated(api.get("/metrics"))
    assert_unauthenticated(api.get("/v1/admin/organizations"))
    assert api.get("/v1/organization", org["organization_admin"]["token"]).json()["plan"] == "free"


def test_a_system_admin_sees_and_manages_every_organisation(api, org, sysadmin):
    token = sysadmin["access_token"]
    orgs = api.get("/v1/admin/organizations", token)
    assert orgs.status_code == 200, orgs.text
    by_id = {o["id"]: o for o in orgs.json()["data"]}
    assert org["organization"]["id"] in by_id and sysadmin["organization"]["id"] in by_id
    assert by_id[org["organization"]["id"]]["user_count"] >= 4
    users = api.get("/v1/admin/users", token)
    assert users.status_code == 200, users.text
    assert org["guest"]["user"]["id"] in {u["id"] for u in users.json()["data"]}
    assert "argon2" not in users.text
    metrics = api.get("/metrics", token)
    assert metrics.status_code == 200, metrics.text
    assert "ragd_http_requests_total" in metrics.text
    response = api.patch(f"/v1/admin/organizations/{org['organization']['id']}", token,
                         json={"plan": "pro"})
    assert response.status_code == 200, response.text
    assert response.json()["plan"] == "pro"
    assert api.get("/v1/organization", org["organization_admin"]["token"]).json()["plan"] == "pro"
    assert_error(api.patch(f"/v1/admin/organizations/{org['organization']['id']}", token,
                           json={"plan": "platinum"}), 422)
    assert_not_found(api.patch("/v1/admin/organizations/org_AAAAAAAAAAAAAAAAAAAAAA", token,
                               json={"plan": "pro"}))
    back = api.patch(f"/v1/admin/organizations/{org['organization']['id']}", token,
                     json={"plan": "free"})
    assert back.status_code == 200, back.text
    # A system admin's key scoped to users only cannot reach the dashboard.
    narrow = api.create_key(token, ["admin:view_all_users"])["key"]
    assert_forbidden(api.get("/v1/admin/organizations", narrow), "admin:access_dashboard")


def test_registration_never_makes_a_system_admin(api):
    session = api.register(organization="Wannabe", email=unique_email("wannabe"))
    assert session["user"]["role"] == "organization_admin"
    assert_error(api.get("/v1/admin/users", session["access_token"]), 403, "forbidden")
    assert_forbidden(api.get("/v1/admin/organizations", session["access_token"]),
                     "admin:access_dashboard")
