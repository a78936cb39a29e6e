"""Plans, quotas, rate limits and usage over HTTP. The server's configuration sets the free
plan to 20 messages a month and 4,000 bytes of storage (its rate limits out of the way), the
pro plan to the default rate limits (100 requests, 30 chats, 60 searches a minute) and the
enterprise plan to 5 API calls a day. Then: a chat burst past 30 a minute is rate limited
with Retry-After; 64 concurrent clients on one 20-message quota get exactly 20 answers and
44 QUOTA_EXCEEDED; max_tokens is capped by the plan; Quota-Warning near the limit; storage
and API-call quotas; usage reports (JSON, CSV) and the statement count what was served.

The rate-limit test runs first: limits are per IP too and every request comes from
127.0.0.1, so the pro plan's windows must see no other test's traffic."""

import csv
import datetime
import io
import json
import re
import threading

import httpx
import pytest

from platform_fixtures import (  # noqa: F401  (api: a shared fixture)
    api, assert_error, default_tables, start_platform, unique_email)
from server_fixtures import fake_llm, iter_sse  # noqa: F401

FREE_MESSAGES = 20
CLIENTS = 64
DOCUMENT = ("The harvest starts in the second week of September. Pickers meet at the "
            "north gate at six in the morning, and lunch is served in the barn.")
QUOTA_DETAILS = {"meter", "current_usage", "limit", "reset_at"}
DEFAULT_RATES = {"requests_per_minute": 100, "chat_per_minute": 30, "search_per_minute": 60}


@pytest.fixture(scope="module")
def server(tmp_path_factory, fake_llm):  # noqa: F811
    tables = default_tables({
        "free": {"messages_per_month": FREE_MESSAGES, "storage_bytes": 4000},
        "pro": DEFAULT_RATES,
        "enterprise": {"api_calls_per_day": 5},
    })
    server = start_platform(tmp_path_factory, tables=tables, llm_url=fake_llm.url)
    yield server
    server.stop()


def new_org(api, name, plan=None, document=True):
    email = unique_email(name.lower().replace(" ", "-"))
    session = api.register(organization=name, email=email)
    token = session["access_token"]
    if plan:
        response = api.patch("/v1/organization", token, json={"plan": plan})
        assert response.status_code == 200, response.text
        assert response.json()["plan"] == plan, response.json()
    if document:
        api.create_collection(token, "default")
        api.upload(token, "default", "harvest", "Harvest", DOCUMENT)
    return {"session": session, "token": token, "email": email,
            "org_id": session["organization"]["id"], "user_id": session["user"]["id"]}


def next_month_start(now=None):
    now = now or datetime.datetime.now(datetime.timezone.utc)
    year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    return datetime.datetime(year, month, 1, tzinfo=datetime.timezone.utc)


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def assert_quota_exceeded(response, meter, limit):
    body = assert_error(response, 429, "QUOTA_EXCEEDED")
    details = body["details"]
    assert set(details) >= QUOTA_DETAILS, body
    assert details["meter"] == meter, body
    assert details["limit"] == limit, body
    if meter != "storage_bytes":  # storage: what is stored now, short of the limit; no reset
        assert details["current_usage"] >= limit, body
        assert parse_time(details["reset_at"]).tzinfo is not None, body
    return details


def plan_name(plan):
    return plan["name"] if isinstance(plan, dict) else plan


def header_int(response, name):
    value = response.headers.get(name)
    assert value is not None and re.fullmatch(r"\d+", value), (name, dict(response.headers))
    return int(value)


# ---- rate limits (first: see the module's docstring) -----------------------------------------

def test_rate_limit_headers_and_a_chat_burst(api):
    org = new_org(api, "Burst Org", plan="pro")
    token = org["token"]
    remaining = []
    for _ in range(3):
        response = api.get("/v1/me", token)
        assert response.status_code == 200, response.text
        assert header_int(response, "RateLimit-Limit") == 100
        reset = header_int(response, "RateLimit-Reset")
        assert 0 <= reset <= 60, reset
        remaining.append(header_int(response, "RateLimit-Remaining"))
    assert remaining[0] > remaining[1] > remaining[2], remaining
    assert remaining[0] < 100, remaining

    answered = []
    for i in range(31):
        response = api.post("/v1/chat", token, json={"message": "When does the harvest start?"})
        if response.status_code != 200:
            break
        assert header_int(response, "RateLimit-Limit") == 30, dict(response.headers)
        answered.append(header_int(response, "RateLimit-Remaining"))
    assert len(answered) == 30, (len(answered), response.status_code, response.text)
    assert answered == list(range(29, -1, -1)), answered
    body = assert_error(response, 429, "rate_limited")
    assert body["details"].get("limit") == 30, body
    assert body["details"].get("window_seconds") == 60, body
    assert body["details"].get("scope"), body
    retry_after = header_int(response, "Retry-After")
    assert 1 <= retry_after <= 60, retry_after
    # Another route class keeps its own window.
    search = api.post("/v1/search", token, json={"query": "harvest"})
    assert search.status_code == 200, search.text
    assert header_int(search, "RateLimit-Limit") in (60, 100), dict(search.headers)
    # Denied hits are not counted: the window stays closed, no longer than it was.
    again = api.post("/v1/chat", token, json={"message": "When does the harvest start?"})
    assert_error(again, 429, "rate_limited")
    assert header_int(again, "Retry-After") <= retry_after

    # A paid plan's statement (checked here: later tests fill the pro plan's per-IP window).
    # The 30 answered chats are 30 messages; the refused ones none.
    response = api.get("/v1/usage/statement", token)
    assert response.status_code == 200, response.text
    statement = response.json()
    assert plan_name(statement["plan"]) == "pro", statement
    plan_lines = [line for line in statement["lines"] if "plan" in line["description"].lower()]
    assert plan_lines and plan_lines[0]["amount_cents"] == 2900, statement
    assert statement["total_cents"] == sum(line["amount_cents"] for line in statement["lines"])
    assert statement["total_cents"] >= 2900, statement
    message_lines = [line for line in statement["lines"] if line["meter"] == "messages"]
    assert message_lines and message_lines[0]["quantity"] == 30, statement


def test_unauthenticated_requests_carry_no_quota_but_are_still_answered(api):
    response = api.get("/v1/me")
    assert response.status_code == 401
    assert "quota-warning" not in response.headers


# ---- quota exactness ------------------------------------------------------------------------

def test_64_concurrent_clients_get_exactly_the_quota(server, api, fake_llm):  # noqa: F811
    org = new_org(api, "Crowd Org")
    fake_llm.reset()
    barrier = threading.Barrier(CLIENTS)
    results = [None] * CLIENTS

    def client(i):
        with httpx.Client(base_url=server.url, timeout=300,
                          headers={"Authorization": f"Bearer {org['token']}"}) as http:
            barrier.wait()
            try:
                results[i] = http.post("/v1/chat", json={
                    "message": f"Question {i}: when do pickers meet for the harvest?",
                    "cache": "bypass"})
            except httpx.HTTPError as error:  # noqa: PERF203
                results[i] = error

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors = [r for r in results if not isinstance(r, httpx.Response)]
    assert not errors, errors
    statuses = sorted(r.status_code for r in results)
    ok = [r for r in results if r.status_code == 200]
    refused = [r for r in results if r.status_code != 200]
    assert len(ok) == FREE_MESSAGES, statuses
    for response in refused:
        details = assert_quota_exceeded(response, "messages", FREE_MESSAGES)
        assert details["current_usage"] == FREE_MESSAGES, details
        assert parse_time(details["reset_at"]) == next_month_start(), details
    for response in ok:
        assert response.json()["answer"], response.text
    # The refused ones did no work: the LLM saw exactly the answered ones.
    assert sum(fake_llm.stats()["behaviours"].values()) == FREE_MESSAGES, fake_llm.stats()

    quotas = api.get("/v1/quotas", org["token"])
    assert quotas.status_code == 200, quotas.text
    assert plan_name(quotas.json()["plan"]) == "free", quotas.json()
    messages = next(q for q in quotas.json()["quotas"] if q["meter"] == "messages")
    assert messages["used"] == FREE_MESSAGES and messages["limit"] == FREE_MESSAGES, messages
    assert messages["remaining"] == 0, messages
    # Every door to a message is shut now, cached answers included.
    for path, body in (("/v1/chat", {"message": "Question 0: when do pickers meet for the "
                                                "harvest?"}),
                       ("/v1/chat", {"message": "brand new", "stream": True}),
                       ("/v1/chat/completions", {"model": "default", "messages": [
                           {"role": "user", "content": "when is the harvest?"}]})):
        assert_quota_exceeded(api.post(path, org["token"], json=body), "messages",
                              FREE_MESSAGES)
    # Searching is not a message.
    assert api.post("/v1/search", org["token"], json={"query": "harvest"}).status_code == 200
    org_for_reports.update(org)


org_for_reports = {}


def test_usage_reports_count_the_served_messages(api):
    org = org_for_reports
    if not org:
        pytest.fail("the concurrency test did not run first")
    token = org["token"]
    report = api.get("/v1/usage", token)
    assert report.status_code == 200, report.text
    body = report.json()
    organization = body["organization"]
    assert (organization["id"] if isinstance(organization, dict) else organization) == \
        org["org_id"], body
    assert set(body["period"]) >= {"from", "to"}, body
    messages = sum(row["amount"] for row in body["data"] if row["meter"] == "messages")
    assert messages == FREE_MESSAGES, body
    assert sum(row["amount"] for row in body["data"] if row["meter"] == "completion_tokens") > 0

    by_user = api.get("/v1/usage?group_by=user", token).json()
    rows = [r for r in by_user["data"] if r["meter"] == "messages"]
    assert rows == [{**rows[0], "user": org["user_id"], "amount": FREE_MESSAGES}], by_user

    month = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m")
    csv_response = api.get(f"/v1/usage?format=csv&group_by=user,day&month={month}", token)
    assert csv_response.status_code == 200, csv_response.text
    assert csv_response.headers["content-type"].startswith("text/csv"), csv_response.headers
    lines = csv_response.text.splitlines()
    assert lines[0] == "user,day,meter,amount", lines[:3]
    rows = list(csv.DictReader(io.StringIO(csv_response.text)))
    assert sum(int(r["amount"]) for r in rows if r["meter"] == "messages") == FREE_MESSAGES
    assert {r["user"] for r in rows if r["meter"] == "messages"} == {org["user_id"]}
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    assert {r["day"] for r in rows} <= {today, (datetime.datetime.now(datetime.timezone.utc)
                                                - datetime.timedelta(days=1)).strftime("%Y-%m-%d")}

    last_year = api.get("/v1/usage?month=2001-01", token)
    assert last_year.status_code == 200 and last_year.json()["data"] == [], last_year.text
    for bad in ("month=2024-13", "month=yesterday", "group_by=planet", "format=xml"):
        assert_error(api.get(f"/v1/usage?{bad}", token), 422)


def test_statement_has_a_plan_line_and_adds_up(api):
    org = org_for_reports
    if not org:
        pytest.fail("the concurrency test did not run first")
    response = api.get("/v1/usage/statement", org["token"])
    assert response.status_code == 200, response.text
    statement = response.json()
    assert statement["organization"]["id"] == org["org_id"], statement
    assert statement["organization"]["name"] == "Crowd Org", statement
    assert plan_name(statement["plan"]) == "free", statement
    assert statement["currency"] == "USD"
    now = datetime.datetime.now(datetime.timezone.utc)
    assert statement["period"]["from"].startswith(now.strftime("%Y-%m-01")), statement
    lines = statement["lines"]
    assert lines, statement
    for line in lines:
        assert set(line) >= {"description", "meter", "quantity", "included", "amount_cents"}
    assert statement["total_cents"] == sum(line["amount_cents"] for line in lines), statement
    plan_lines = [line for line in lines if "plan" in line["description"].lower()]
    assert plan_lines and plan_lines[0]["amount_cents"] == 0, lines
    message_lines = [line for line in lines if line["meter"] == "messages"]
    assert message_lines and message_lines[0]["quantity"] == FREE_MESSAGES, lines
    assert message_lines[0]["included"] == FREE_MESSAGES, lines


# ---- warnings, token caps, storage and API calls ---------------------------------------------

def test_quota_warning_near_the_limit(server, api):
    org = new_org(api, "Warned Org")
    warnings = []
    for i in range(FREE_MESSAGES - 1):
        response = api.post("/v1/chat", org["token"],
                            json={"message": "When does the harvest start?"})
        assert response.status_code == 200, (i, response.text)
        warnings.append(response.headers.get("quota-warning"))
    # 10% of 20 is 2: with 3 or more left after a chat there is no warning.
    assert warnings[:FREE_MESSAGES - 3] == [None] * (FREE_MESSAGES - 3), warnings
    events = []
    with httpx.Client(base_url=server.url, timeout=120) as http:
        with http.stream("POST", "/v1/chat", headers={"Authorization": f"Bearer {org['token']}"},
                         json={"message": "Where do pickers meet?", "stream": True,
                               "cache": "bypass"}) as response:
            assert response.status_code == 200, response.read()
            header = response.headers.get("quota-warning")
            for name, data in iter_sse(response.iter_lines()):
                events.append((name, json.loads(data)))
    assert header, dict(response.headers)
    match = re.fullmatch(r"meter=messages; remaining=(\d+); limit=(\d+); reset=(\S+)", header)
    assert match, header
    assert int(match.group(1)) <= 1 and int(match.group(2)) == FREE_MESSAGES, header
    assert parse_time(match.group(3)) == next_month_start(), header
    names = [name for name, _ in events]
    assert names[0] == "quota_warning" and names[1] == "sources", names
    warning = events[0][1]
    assert warning["meter"] == "messages" and warning["limit"] == FREE_MESSAGES, warning
    assert warning["remaining"] <= 1 and parse_time(warning["reset_at"]) == next_month_start()
    assert names[-1] == "done", names
    assert_quota_exceeded(api.post("/v1/chat", org["token"], json={"message": "one more?"}),
                          "messages", FREE_MESSAGES)


def test_max_tokens_is_capped_by_the_plan(api, fake_llm):  # noqa: F811
    org = new_org(api, "Capped Org")
    fake_llm.reset()
    answer = api.post("/v1/chat", org["token"],
                      json={"message": "When does the harvest start?", "max_tokens": 2000,
                            "cache": "bypass"})
    assert answer.status_code == 200, answer.text
    completion = api.post("/v1/chat/completions", org["token"],
                          json={"model": "default", "max_tokens": 1800,
                                "messages": [{"role": "user", "content": "Where is lunch?"}],
                                "ragd": {"cache": "bypass"}})
    assert completion.status_code == 200, completion.text
    sent = fake_llm.stats()["last_requests"]
    assert len(sent) == 2, sent
    for request in sent:
        limit = request.get("max_tokens", request.get("max_completion_tokens"))
        assert isinstance(limit, int) and 0 < limit <= 1000, request


def test_storage_quota_refuses_an_upload_past_the_limit(api):
    org = new_org(api, "Storage Org", document=False)
    token = org["token"]
    api.create_collection(token, "default")
    api.upload(token, "default", "big", "Big", "grape " * 500)  # 3,000 bytes
    response = api.post("/v1/collections/default/documents", token,
                        json={"id": "bigger", "title": "Bigger", "text": "vine " * 400})
    details = assert_quota_exceeded(response, "storage_bytes", 4000)
    assert 3000 <= details["current_usage"] < 4000, details
    listed = api.get("/v1/collections/default/documents", token).json()
    assert [d["key"] for d in listed["data"]] == ["big.md"], listed
    small = api.post("/v1/collections/default/documents", token,
                     json={"id": "small", "title": "Small", "text": "a small note"})
    assert small.status_code == 202, small.text


def test_api_call_quota_is_exact_under_concurrency(server, api):
    org = new_org(api, "Program Org", plan="enterprise", document=False)
    key = api.create_key(org["token"], ["search:execute_basic"])["key"]
    barrier = threading.Barrier(16)
    results = [None] * 16

    def client(i):
        with httpx.Client(base_url=server.url, timeout=120,
                          headers={"Authorization": f"Bearer {key}"}) as http:
            barrier.wait()
            results[i] = http.get("/v1/collections")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ok = [r for r in results if r.status_code == 200]
    assert len(ok) == 5, sorted(r.status_code for r in results)
    for response in results:
        if response.status_code != 200:
            details = assert_quota_exceeded(response, "api_calls", 5)
            reset = parse_time(details["reset_at"])
            today = datetime.datetime.now(datetime.timezone.utc).date()
            assert reset.date() == today + datetime.timedelta(days=1), details
            assert (reset.hour, reset.minute, reset.second) == (0, 0, 0), details
    # The access token is not an API call.
    assert api.get("/v1/collections", org["token"]).status_code == 200
    quotas = api.get("/v1/quotas", org["token"]).json()["quotas"]
    calls = next(q for q in quotas if q["meter"] == "api_calls")
    assert calls["used"] == 5 and calls["limit"] == 5 and calls["period"] == "day", calls
    messages = next(q for q in quotas if q["meter"] == "messages")
    assert messages["limit"] == -1, messages


def test_plan_names_are_checked(api):
    org = new_org(api, "Plan Check Org", document=False)
    assert_error(api.patch("/v1/organization", org["token"], json={"plan": "platinum"}), 422)
    assert api.get("/v1/organization", org["token"]).json()["plan"] == "free"

