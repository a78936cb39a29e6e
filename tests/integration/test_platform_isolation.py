"""Cross-organisation isolation: organisations A and B each have a collection `default`
(same name, different documents, same history so their versions match) and A has more (a
private collection, a chat session, a job, an API key, a second user). B's credentials (its
admin's access token and an API key) against every route with A's ids and names must find
nothing: 404 exactly as for a missing object, empty lists, and answers, citations, prompts
and cached answers that never carry A's text."""

import json

import pytest

from platform_fixtures import (  # noqa: F401  (api: a shared fixture)
    api, assert_error, assert_not_found, start_platform, unique_email)
from server_fixtures import fake_llm  # noqa: F401

QUESTION = "What does the Zanzibar quokka ledger record?"
A_TEXT = ("The Zanzibar quokka ledger records the secret blend of the Alpha reserve: sixty "
          "percent merlot and forty percent malbec. Only the head winemaker may read it.")
A_SECRET_WORDS = ("secret blend", "malbec", "merlot", "head winemaker")
A_PRIVATE_TEXT = ("The private cellar of Alpha holds the Kestrel vintage from 1987, "
                  "valued at twelve thousand dollars.")
B_TEXT = ("Beta's tasting room opens at nine in the morning. Parking is behind the red barn, "
          "next to the ledger of visitors.")
B_KEY_SCOPES = ["chat:create", "chat:read_own", "chat:bulk_export", "search:execute_basic",
                "search:execute_advanced", "api:access", "profile:read_own",
                "organization:read", "billing:read", "organization:manage_users",
                "organization:update"]


@pytest.fixture(scope="module")
def server(tmp_path_factory, fake_llm):  # noqa: F811
    server = start_platform(tmp_path_factory, llm_url=fake_llm.url)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def org_a(api):
    session = api.register(organization="Alpha", email=unique_email("alpha"))
    token = session["access_token"]
    api.create_collection(token, "default")
    job = api.upload(token, "default", "quokka-ledger", "Quokka ledger", A_TEXT)
    api.create_collection(token, "alpha-private")
    api.upload(token, "alpha-private", "kestrel", "Kestrel vintage", A_PRIVATE_TEXT)
    chat = api.chat(token, QUESTION, cache="bypass")
    assert any(w in chat["answer"] for w in A_SECRET_WORDS), chat  # A's own answer has it
    # A first turn on the cache's path: A's second asking must come from the cache.
    cached_first = api.chat(token, "Who may read the quokka ledger?")
    cached_second = api.chat(token, "Who may read the quokka ledger?")
    assert cached_second["cached"] is True, (cached_first, cached_second)
    key = api.create_key(token, ["search:execute_basic", "chat:create"])
    member, member_session = api.create_user(token, role="user")
    member_chat = api.chat(member_session["access_token"], "Tell me about the Kestrel vintage",
                           collection="alpha-private", cache="bypass")
    documents = api.get("/v1/collections/default/documents", token).json()["data"]
    return {"session": session, "token": token, "job": job, "chat": chat, "key": key,
            "member": member, "member_token": member_session["access_token"],
            "member_chat": member_chat, "cached_answer": cached_second,
            "doc_key": documents[0]["key"]}


@pytest.fixture(scope="module")
def org_b(api, org_a):
    session = api.register(organization="Beta", email=unique_email("beta"))
    token = session["access_token"]
    api.create_collection(token, "default")
    job = api.upload(token, "default", "tasting-room", "Tasting room", B_TEXT)
    key = api.create_key(token, B_KEY_SCOPES)
    return {"session": session, "token": token, "key": key["key"], "job": job,
            "credentials": [token, key["key"]]}


def assert_no_a_text(text):
    lowered = text.lower()
    # Words of A's documents that no question of B's uses (B asks about "Kestrel").
    for words in A_SECRET_WORDS + ("quokka-ledger", "twelve thousand", "private cellar"):
        assert words not in lowered, (words, text[:3000])


def assert_same_as_missing(api, credential, path, body):
    """A filter naming A's document fails exactly as one naming a document nobody has."""
    hidden = assert_not_found(api.post(path, credential, json=body))
    missing_body = {**body, "filters": {"document": "never-there.md"}}
    missing = assert_not_found(api.post(path, credential, json=missing_body))
    assert hidden["message"].replace(body["filters"]["document"], "X") == \
        missing["message"].replace("never-there.md", "X"), (hidden, missing)


def a_ids(org_a):
    return {org_a["session"]["organization"]["id"], org_a["session"]["user"]["id"],
            org_a["member"]["id"], org_a["chat"]["session_id"], org_a["chat"]["message_id"],
            org_a["key"]["id"], org_a["job"]["id"]}


def assert_no_a_ids(text, org_a):
    for value in a_ids(org_a):
        assert value not in text, (value, text[:3000])


# ---- collections and documents ---------------------------------------------------------------

def test_collections_of_the_same_name_are_separate(api, org_a, org_b):
    for credential in org_b["credentials"]:
        listed = api.get("/v1/collections", credential)
        assert listed.status_code == 200, listed.text
        assert [c["name"] for c in listed.json()["data"]] == ["default"], listed.json()
        own = api.get("/v1/collections/default", credential)
        assert own.status_code == 200, own.text
        assert own.json()["document_count"] == 1, own.json()
    a_default = api.get("/v1/collections/default", org_a["token"]).json()
    assert a_default["document_count"] == 1


def test_another_organisations_collection_is_404(api, org_a, org_b):
    for credential in org_b["credentials"]:
        assert_not_found(api.get("/v1/collections/alpha-private", credential))
        assert_not_found(api.get("/v1/collections/alpha-private/documents", credential))
        assert_not_found(api.patch("/v1/collections/alpha-private", credential,
                                   json={"description": "hijacked"}))
        assert_not_found(api.delete("/v1/collections/alpha-private", credential))
        assert_not_found(api.get("/v1/collections/alpha-private/documents/kestrel.md",
                                 credential))
        assert_not_found(api.delete("/v1/collections/alpha-private/documents/kestrel.md",
                                    credential))
    # The 404 reads exactly like a collection nobody has.
    missing = assert_error(api.get("/v1/collections/never-made", org_b["token"]), 404)
    hidden = assert_error(api.get("/v1/collections/alpha-private", org_b["token"]), 404)
    assert missing["message"].replace("never-made", "X") == \
        hidden["message"].replace("alpha-private", "X")
    a_private = api.get("/v1/collections/alpha-private", org_a["token"])
    assert a_private.status_code == 200 and a_private.json()["description"] != "hijacked"
    assert a_private.json()["document_count"] == 1


def test_documents_list_get_delete_stay_in_the_organisation(api, org_a, org_b):
    a_key = org_a["doc_key"]
    for credential in org_b["credentials"]:
        listed = api.get("/v1/collections/default/documents", credential)
        assert listed.status_code == 200, listed.text
        assert a_key not in [d["key"] for d in listed.json()["data"]]
        assert listed.json()["total"] == 1
        assert_no_a_text(listed.text)
        for prefix in ("quokka", ""):
            found = api.get(f"/v1/collections/default/documents?prefix={prefix}", credential)
            assert a_key not in [d["key"] for d in found.json()["data"]]
        assert_not_found(api.get(f"/v1/collections/default/documents/{a_key}", credential))
        assert_not_found(api.delete(f"/v1/collections/default/documents/{a_key}", credential))
    still = api.get(f"/v1/collections/default/documents/{a_key}", org_a["token"])
    assert still.status_code == 200, still.text
    assert "quokka" in still.text.lower()


def test_jobs_of_another_organisation_are_404(api, org_a, org_b):
    for credential in org_b["credentials"]:
        assert_not_found(api.get(f"/v1/jobs/{org_a['job']['id']}", credential))
    assert api.get(f"/v1/jobs/{org_b['job']['id']}", org_b["token"]).status_code == 200


# ---- search, chat, citations, cache ----------------------------------------------------------

def test_search_finds_nothing_of_another_organisation(api, org_a, org_b):
    for credential in org_b["credentials"]:
        for body in ({"query": "Zanzibar quokka ledger secret blend"},
                     {"query": "quokka", "collection": "default", "mode": "lexical"},
                     {"query": "quokka merlot", "filters": {"document": org_a["doc_key"]}},
                     {"query": "ledger", "k": 100}):
            response = api.post("/v1/search", credential, json=body)
            if "filters" in body and response.status_code == 404:
                assert_same_as_missing(api, credential, "/v1/search", body)
                continue
            assert response.status_code == 200, (body, response.text)
            assert_no_a_text(json.dumps(response.json()["results"]))
            for result in response.json()["results"]:
                assert result["document"] != org_a["doc_key"], result
        assert_not_found(api.post("/v1/search", credential,
                                  json={"query": "Kestrel vintage", "collection": "alpha-private"}))
    # The same query by A finds A's document (the search above could have found it).
    own = api.post("/v1/search", org_a["token"], json={"query": "Zanzibar quokka ledger"})
    assert own.json()["results"][0]["document"] == org_a["doc_key"], own.json()


def test_chat_never_answers_from_another_organisations_documents(api, org_a, org_b, fake_llm):  # noqa: F811,E501
    for credential in org_b["credentials"]:
        for body in ({"message": QUESTION, "cache": "bypass"},
                     {"message": QUESTION, "collection": "default", "cache": "bypass",
                      "filters": {"document": org_a["doc_key"]}},
                     {"message": "What is the Kestrel vintage worth?", "cache": "bypass"}):
            response = api.post("/v1/chat", credential, json=body)
            if "filters" in body and response.status_code == 404:
                assert_same_as_missing(api, credential, "/v1/chat", body)
                continue
            assert response.status_code == 200, (body, response.text)
            answer = response.json()
            assert_no_a_text(response.text)
            assert all(c["document"] != org_a["doc_key"] for c in answer["citations"]), answer
            prompts = fake_llm.stats()["last_requests"]
            if prompts:
                assert_no_a_text(str(prompts[-1]))
        assert_not_found(api.post("/v1/chat", credential,
                                  json={"message": "Kestrel?", "collection": "alpha-private"}))


def test_streamed_chat_sources_stay_in_the_organisation(api, org_a, org_b):
    with api.http.stream("POST", "/v1/chat", headers={"Authorization": f"Bearer {org_b['token']}"},
                         json={"message": QUESTION, "stream": True, "cache": "bypass"}) as r:
        assert r.status_code == 200, r.read()
        text = "".join(r.iter_text())
    assert "event: done" in text, text
    assert_no_a_text(text)


def test_the_response_cache_is_per_organisation(api, org_a, org_b):
    a_answer = org_a["cached_answer"]
    for question in ("Who may read the quokka ledger?", QUESTION):
        first = api.post("/v1/chat", org_b["token"], json={"message": question})
        assert first.status_code == 200, first.text
        assert first.json()["cached"] is False, first.json()  # never A's cached answer
        assert first.json()["answer"] != a_answer["answer"], first.json()
        assert_no_a_text(first.text)
        # B's key asks again: B's own cache may answer, with B's answer only.
        second = api.post("/v1/chat", org_b["key"], json={"message": question})
        assert second.status_code == 200, second.text
        assert second.json()["answer"] == first.json()["answer"], (first.json(), second.json())
        assert_no_a_text(second.text)


def test_openai_endpoints_see_only_own_collections(api, org_a, org_b):
    for credential in org_b["credentials"]:
        models = api.get("/v1/models", credential)
        assert models.status_code == 200, models.text
        assert sorted(m["id"] for m in models.json()["data"]) in (["default"],
                                                                   ["default", "ragd"])
        response = api.post("/v1/chat/completions", credential,
                            json={"model": "alpha-private",
                                  "messages": [{"role": "user", "content": "Kestrel?"}]})
        assert response.status_code == 404, response.text
        response = api.post("/v1/chat/completions", credential,
                            json={"model": "default",
                                  "messages": [{"role": "user", "content": QUESTION}],
                                  "ragd": {"cache": "bypass"}})
        assert response.status_code == 200, response.text
        assert_no_a_text(response.text)
    a_models = {m["id"] for m in api.get("/v1/models", org_a["token"]).json()["data"]}
    assert {"default", "alpha-private"} <= a_models


# ---- sessions and feedback -------------------------------------------------------------------

def test_sessions_of_another_organisation_are_404(api, org_a, org_b):
    session_id = org_a["chat"]["session_id"]
    message_id = org_a["chat"]["message_id"]
    assert session_id and message_id, org_a["chat"]
    for credential in org_b["credentials"]:
        listed = api.get("/v1/sessions", credential)
        assert listed.status_code == 200, listed.text
        assert session_id not in listed.text
        assert_not_found(api.get(f"/v1/sessions/{session_id}", credential))
        assert_not_found(api.delete(f"/v1/sessions/{session_id}", credential))
        assert_not_found(api.post(f"/v1/messages/{message_id}/feedback", credential,
                                  json={"rating": 1, "text": "vandalised"}))
        # Continuing A's session is refused, and A's history stays out of the prompt.
        response = api.post("/v1/chat", credential,
                            json={"message": "And what else?", "session_id": session_id})
        assert_not_found(response)
    own = api.get(f"/v1/sessions/{session_id}", org_a["token"])
    assert own.status_code == 200, own.text
    assert own.json()["turn_count"] == 1
    assert own.json()["turns"][0]["feedback"] is None, own.json()


def test_session_exports_stay_in_the_organisation(api, org_a, org_b):
    for credential, path in ((org_b["token"], "/v1/me/export"),
                             (org_b["token"], "/v1/sessions/export"),
                             (org_b["key"], "/v1/sessions/export")):
        response = api.get(path, credential)
        assert response.status_code == 200, (path, response.text)
        assert_no_a_text(response.text)
        assert_no_a_ids(response.text, org_a)


def test_sessions_are_the_users_own_within_an_organisation(api, org_a):
    """A's member cannot read or delete A's admin's session (own sessions only)."""
    session_id = org_a["chat"]["session_id"]
    assert_not_found(api.get(f"/v1/sessions/{session_id}", org_a["member_token"]))
    assert_not_found(api.delete(f"/v1/sessions/{session_id}", org_a["member_token"]))
    assert session_id not in api.get("/v1/sessions", org_a["member_token"]).text
    member_session = org_a["member_chat"]["session_id"]
    assert_not_found(api.get(f"/v1/sessions/{member_session}", org_a["token"]))
    assert api.get(f"/v1/sessions/{session_id}", org_a["token"]).status_code == 200


# ---- usage, audit, keys, users, organisation -------------------------------------------------

def test_usage_and_statement_stay_in_the_organisation(api, org_a, org_b):
    b_org = org_b["session"]["organization"]["id"]
    for credential in org_b["credentials"]:
        a_user = api.get(f"/v1/usage?user={org_a['session']['user']['id']}", credential)
        assert a_user.status_code in (200, 404), a_user.text
        if a_user.status_code == 200:
            assert a_user.json()["data"] == [], a_user.json()
        for path in ("/v1/usage", "/v1/usage?group_by=user",
                     "/v1/usage?format=csv&group_by=user,day"):
            response = api.get(path, credential)
            assert response.status_code == 200, (path, response.text)
            assert_no_a_ids(response.text, org_a)
            if response.status_code == 200 and "csv" not in path:
                organization = response.json()["organization"]
                if isinstance(organization, dict):
                    organization = organization["id"]
                assert organization == b_org, response.json()
        statement = api.get("/v1/usage/statement", credential)
        assert statement.status_code == 200, statement.text
        assert statement.json()["organization"]["id"] == b_org
        assert_no_a_ids(statement.text, org_a)


def test_audit_stays_in_the_organisation(api, org_a, org_b):
    b_org = org_b["session"]["organization"]["id"]
    a_org = org_a["session"]["organization"]["id"]
    for credential in org_b["credentials"]:
        for query in ("", f"?organization={a_org}", "?organization=*",
                      f"?actor={org_a['session']['user']['id']}", "?action=auth.login"):
            response = api.get("/v1/audit" + query, credential)
            assert response.status_code in (200, 403, 422), (query, response.text)
            if response.status_code == 200:
                entries = response.json()["data"]
                assert all(e["organization"] == b_org for e in entries), (query, entries)
                assert_no_a_ids(response.text, org_a)
    assert api.get("/v1/audit", org_b["token"]).json()["data"], "B's own audit is not empty"


def test_api_keys_of_another_organisation(api, org_a, org_b):
    for credential in org_b["credentials"]:
        listed = api.get("/v1/api-keys", credential)
        if credential == org_b["token"]:
            assert listed.status_code == 200, listed.text
        assert org_a["key"]["id"] not in listed.text
        assert_not_found(api.delete(f"/v1/api-keys/{org_a['key']['id']}", credential))
    assert api.get("/v1/collections", org_a["key"]["key"]).status_code == 200


def test_users_of_another_organisation_are_404(api, org_a, org_b):
    a_users = (org_a["session"]["user"]["id"], org_a["member"]["id"])
    for credential in org_b["credentials"]:
        listed = api.get("/v1/organization/users", credential)
        assert listed.status_code == 200, listed.text
        for user_id in a_users:
            assert user_id not in listed.text
            assert_not_found(api.get(f"/v1/organization/users/{user_id}", credential))
            assert_not_found(api.patch(f"/v1/organization/users/{user_id}", credential,
                                       json={"role": "guest"}))
            assert_not_found(api.patch(f"/v1/organization/users/{user_id}", credential,
                                       json={"name": "renamed"}))
    # Deleting runs last: had it worked, A would lose users.
    for user_id in a_users:
        assert_not_found(api.delete(f"/v1/organization/users/{user_id}", org_b["token"]))
    for user_id, role in zip(a_users, ("organization_admin", "user")):
        user = api.get(f"/v1/organization/users/{user_id}", org_a["token"])
        assert user.status_code == 200, user.text
        assert user.json()["role"] == role and user.json()["name"] != "renamed", user.json()
    assert api.get("/v1/me", org_a["member_token"]).status_code == 200


def test_organisation_routes_are_the_callers_own(api, org_a, org_b):
    a_org = org_a["session"]["organization"]
    b_org = org_b["session"]["organization"]
    mine = api.get("/v1/organization", org_b["token"])
    assert mine.status_code == 200 and mine.json()["id"] == b_org["id"], mine.text
    for body in ({"id": a_org["id"], "name": "taken over"}, {"organization": a_org["id"]}):
        assert_error(api.patch("/v1/organization", org_b["token"], json=body), 422)
    assert api.get("/v1/organization", org_a["token"]).json()["name"] == "Alpha"
    for path in ("/v1/admin/organizations", "/v1/admin/users",
                 f"/v1/admin/organizations/{a_org['id']}"):
        method = "PATCH" if path.count("/") == 4 else "GET"
        kwargs = {"json": {"plan": "free"}} if method == "PATCH" else {}
        response = api.request(method, path, org_b["token"], **kwargs)
        assert response.status_code == 403, (path, response.text)


def test_the_same_collection_name_created_by_b_stays_separate(api, org_a, org_b):
    """B makes its own `alpha-private` (upload creates an absent collection): A's is
    untouched and neither sees the other's documents."""
    api.create_collection(org_b["token"], "alpha-private")
    job = api.upload(org_b["token"], "alpha-private", "b-notes", "B notes",
                     "Beta's own private notes about barrels.")
    assert job["status"] == "succeeded"
    b_docs = api.get("/v1/collections/alpha-private/documents", org_b["token"]).json()["data"]
    assert [d["key"] for d in b_docs] == ["b-notes.md"], b_docs
    a_docs = api.get("/v1/collections/alpha-private/documents", org_a["token"]).json()["data"]
    assert [d["key"] for d in a_docs] == ["kestrel.md"], a_docs
    results = api.post("/v1/search", org_b["token"],
                       json={"query": "Kestrel vintage", "collection": "alpha-private"}).json()
    assert_no_a_text(str(results))
    deleted = api.delete("/v1/collections/alpha-private", org_b["token"])
    assert deleted.status_code == 204, deleted.text
    assert api.get("/v1/collections/alpha-private", org_a["token"]).status_code == 200
