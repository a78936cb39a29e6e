"""The usage, audit and system-administration routes over HTTP (docs/api.md "Plans, quotas
and usage", "Audit", "System administration"): the shapes of /v1/quotas, /v1/usage (JSON and
CSV) and /v1/usage/statement; who may read what (a plain user reads only their own usage,
never the statement or the audit log); month, group_by and format checking; the audit log's
filters (action, actor, organisation, since/until in RFC 3339 or as days) and paging; the
system admin's organisation and user lists and plan changes; and organisation B never seeing
organisation A's usage or audit entries. Usage is made with API keys: every request made
with a key is one metered API call of the key's user.

One server serves the module (ASan starts are slow); a second one runs with --auth off."""

import csv
import datetime
import io
import subprocess
import uuid

import pytest

from conftest import ragd_binary
from platform_fixtures import (  # noqa: F401  (api: a shared fixture)
    api, PASSWORD, Api, assert_error, assert_forbidden, assert_not_found,
    assert_unauthenticated, default_tables, start_platform, unique_email)
from server_fixtures import Server

MEMBER_CALLS = 3
ADMIN_CALLS = 2
METERS = ["messages", "prompt_tokens", "completion_tokens", "embedding_tokens", "api_calls",
          "storage_bytes"]


def has_admin_cli():
    """Whether the binary has `ragd admin create-org` (needed to make a system admin)."""
    result = subprocess.run([ragd_binary(), "admin", "create-org", "--help"],
                            capture_output=True, text=True, timeout=60)
    return result.returncode == 0 and "--system-admin" in result.stdout + result.stderr


SYSADMIN_EMAIL = f"operator-{uuid.uuid4().hex[:8]}@example.com"


@pytest.fixture(scope="module")
def admin_cli():
    return has_admin_cli()


@pytest.fixture(scope="module")
def server(tmp_path_factory, admin_cli):
    system_admin = {"email": SYSADMIN_EMAIL} if admin_cli else None
    server = start_platform(tmp_path_factory, tables=default_tables(), system_admin=system_admin)
    yield server
    server.stop()


def today_or_yesterday():
    now = datetime.datetime.now(datetime.timezone.utc)
    return {now.strftime("%Y-%m-%d"), (now - datetime.timedelta(days=1)).strftime("%Y-%m-%d")}


def parse_time(text):
    assert text.endswith("Z"), text
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)


def rfc3339(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_calls(api, key, count):
    for _ in range(count):
        response = api.get("/v1/quotas", key)
        assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def org_a(api):
    """An organisation whose admin made ADMIN_CALLS and whose member made MEMBER_CALLS API
    calls, with a few audited actions (keys, a user)."""
    email = unique_email("usage-a")
    session = api.register(organization="Usage Alpha", email=email)
    token = session["access_token"]
    member, member_session = api.create_user(token, role="user")
    member_key = api.create_key(member_session["access_token"], ["profile:read_own"])
    admin_key = api.create_key(token, ["profile:read_own", "billing:read"])
    make_calls(api, member_key["key"], MEMBER_CALLS)
    make_calls(api, admin_key["key"], ADMIN_CALLS)
    return {"session": session, "token": token, "org_id": session["organization"]["id"],
            "admin_id": session["user"]["id"], "member": member,
            "member_token": member_session["access_token"], "member_key": member_key,
            "admin_key": admin_key}


@pytest.fixture(scope="module")
def org_b(api, org_a):
    session = api.register(organization="Usage Beta", email=unique_email("usage-b"))
    token = session["access_token"]
    key = api.create_key(token, ["profile:read_own", "billing:read",
                                 "organization:manage_users"])
    return {"session": session, "token": token, "org_id": session["organization"]["id"],
            "admin_id": session["user"]["id"], "key": key}


def usage(api, token, **params):
    response = api.get("/v1/usage", token, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"organization", "period", "data"}, body
    for row in body["data"]:
        assert set(row) == {"user", "day", "meter", "amount"}, row
    return body


def amounts(rows, meter):
    return {(row["user"], row["day"]): row["amount"] for row in rows if row["meter"] == meter}


# ---- quotas -----------------------------------------------------------------------------------

def test_quotas_show_the_plan_and_three_meters(api, org_a):
    response = api.get("/v1/quotas", org_a["member_token"])
    assert response.status_code == 200, response.text
    body = response.json()
    plan = body["plan"]
    assert plan["name"] == "free" and plan["price_cents_per_month"] == 0, plan
    assert plan["messages_per_month"] == 100 and plan["tokens_per_message"] == 1000, plan
    quotas = {q["meter"]: q for q in body["quotas"]}
    assert list(quotas) == ["messages", "api_calls", "storage_bytes"], body
    for quota in quotas.values():
        assert set(quota) == {"meter", "used", "limit", "remaining", "period", "reset_at"}
    messages, calls, storage = quotas["messages"], quotas["api_calls"], quotas["storage_bytes"]
    assert messages == {**messages, "used": 0, "limit": 100, "remaining": 100, "period": "month"}
    now = datetime.datetime.now(datetime.timezone.utc)
    reset = parse_time(messages["reset_at"])
    assert reset.day == 1 and (reset.hour, reset.minute, reset.second) == (0, 0, 0), messages
    assert now < reset <= now + datetime.timedelta(days=31), messages
    # The organisation's API calls so far (both users), and this request was not one.
    assert calls["period"] == "day" and calls["used"] == MEMBER_CALLS + ADMIN_CALLS, calls
    assert calls["remaining"] == calls["limit"] - calls["used"], calls
    assert parse_time(calls["reset_at"]) - now <= datetime.timedelta(days=1), calls
    assert storage["period"] == "standing" and storage["reset_at"] is None, storage
    assert storage["limit"] == 100 * 1000 * 1000 and storage["used"] == 0, storage


def test_quotas_need_credentials(api):
    assert_unauthenticated(api.get("/v1/quotas"))
    assert_unauthenticated(api.get("/v1/usage"))
    assert_unauthenticated(api.get("/v1/usage/statement"))


# ---- usage reports ----------------------------------------------------------------------------

def test_an_admin_reads_the_organisations_usage_by_user_and_day(api, org_a):
    token = org_a["token"]
    total = usage(api, token)
    assert total["organization"] == org_a["org_id"], total
    month = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m")
    assert total["period"]["month"] == month, total
    assert total["period"]["from"] == f"{month}-01T00:00:00Z", total
    assert parse_time(total["period"]["to"]) > parse_time(total["period"]["from"])
    assert amounts(total["data"], "api_calls") == {(None, None): MEMBER_CALLS + ADMIN_CALLS}

    by_user = usage(api, token, group_by="user")
    assert amounts(by_user["data"], "api_calls") == {
        (org_a["member"]["id"], None): MEMBER_CALLS, (org_a["admin_id"], None): ADMIN_CALLS}

    by_day = usage(api, token, group_by="day")
    days = amounts(by_day["data"], "api_calls")
    assert sum(days.values()) == MEMBER_CALLS + ADMIN_CALLS, days
    assert {day for _, day in days} <= today_or_yesterday(), days

    for group_by in ("user,day", "day,user"):
        both = usage(api, token, group_by=group_by)
        rows = amounts(both["data"], "api_calls")
        assert {user for user, _ in rows} == {org_a["member"]["id"], org_a["admin_id"]}, rows
        assert sum(rows.values()) == MEMBER_CALLS + ADMIN_CALLS, rows

    one = usage(api, token, user=org_a["member"]["id"])
    assert amounts(one["data"], "api_calls") == {(org_a["member"]["id"], None): MEMBER_CALLS}
    assert usage(api, token, user="usr_nobody")["data"] == []


def test_a_plain_user_reads_only_their_own_usage(api, org_a):
    member_id = org_a["member"]["id"]
    for credential in (org_a["member_token"], org_a["member_key"]["key"]):
        body = usage(api, credential, group_by="user")
        assert {row["user"] for row in body["data"]} == {member_id}, body
        calls = amounts(body["data"], "api_calls")[(member_id, None)]
        assert calls >= MEMBER_CALLS, body
        # Not grouped by user, the rows are still the member's alone.
        flat = usage(api, credential)
        assert {row["user"] for row in flat["data"]} == {member_id}, flat
        assert usage(api, credential, user=member_id)["data"], "own records by name"
        assert_forbidden(api.get("/v1/usage", credential, params={"user": org_a["admin_id"]}),
                         "billing:read")
        assert_forbidden(api.get("/v1/usage/statement", credential), "billing:read")
    assert_forbidden(api.get("/v1/audit", org_a["member_token"]), "organization:manage_users")


def test_usage_as_csv(api, org_a):
    month = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m")
    response = api.get("/v1/usage", org_a["token"],
                       params={"format": "csv", "group_by": "user,day", "month": month})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8", response.headers
    assert f"usage-{month}.csv" in response.headers.get("content-disposition", "")
    text = response.text
    assert text.startswith("user,day,meter,amount\r\n"), text[:200]
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""), repr(text[:300])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["user", "day", "meter", "amount"]
    assert all(len(row) == 4 for row in rows), rows
    records = list(csv.DictReader(io.StringIO(text, newline="")))
    calls = [r for r in records if r["meter"] == "api_calls"]
    assert {r["user"] for r in calls} == {org_a["member"]["id"], org_a["admin_id"]}, calls
    assert {r["day"] for r in calls} <= today_or_yesterday(), calls
    # The same rows as the JSON report (requests with an access token are not API calls, so
    # nothing changed in between).
    report = usage(api, org_a["token"], group_by="user,day", month=month)["data"]
    assert [[r["user"], r["day"], r["meter"], str(r["amount"])] for r in report] == rows[1:]

    # Ungrouped: the columns stay, user and day empty.
    flat = api.get("/v1/usage", org_a["token"], params={"format": "csv"})
    flat_rows = list(csv.DictReader(io.StringIO(flat.text, newline="")))
    assert [(r["user"], r["day"]) for r in flat_rows if r["meter"] == "api_calls"] == [("", "")]
    # An empty month is the header alone.
    empty = api.get("/v1/usage", org_a["token"], params={"format": "csv", "month": "2001-01"})
    assert empty.status_code == 200 and empty.text == "user,day,meter,amount\r\n", empty.text


def test_months_group_by_and_format_are_checked(api, org_a):
    token = org_a["token"]
    old = usage(api, token, month="2001-01")
    assert old["data"] == [], old
    assert old["period"] == {"month": "2001-01", "from": "2001-01-01T00:00:00Z",
                             "to": "2001-02-01T00:00:00Z"}, old
    december = usage(api, token, month="2025-12")["period"]
    assert december["to"] == "2026-01-01T00:00:00Z", december
    for bad in ("2024-13", "2024-00", "2024-1", "24-01", "yesterday", "", "1969-12",
                "2024-01-01", "2024-01 ", "２０２４-01"):
        body = assert_error(api.get("/v1/usage", token, params={"month": bad}), 422,
                            "validation_failed")
        assert body["details"].get("field") == "month", (bad, body)
        body = assert_error(api.get("/v1/usage/statement", token, params={"month": bad}), 422,
                            "validation_failed")
        assert body["details"].get("field") == "month", (bad, body)
    for name, value in (("group_by", "planet"), ("group_by", "user,user,day"),
                        ("group_by", "User"), ("format", "xml"), ("format", "CSV")):
        body = assert_error(api.get("/v1/usage", token, params={name: value}), 422,
                            "validation_failed")
        assert body["details"].get("field") == name, body


# ---- statement --------------------------------------------------------------------------------

def test_the_statement_lists_the_plan_and_every_meter(api, org_a):
    response = api.get("/v1/usage/statement", org_a["token"])
    assert response.status_code == 200, response.text
    statement = response.json()
    assert set(statement) == {"organization", "plan", "currency", "period", "lines",
                              "total_cents"}, statement
    assert statement["organization"] == {"id": org_a["org_id"], "name": "Usage Alpha"}
    assert statement["plan"] == "free" and statement["currency"] == "USD", statement
    now = datetime.datetime.now(datetime.timezone.utc)
    assert statement["period"]["from"] == now.strftime("%Y-%m-01T00:00:00Z"), statement
    lines = statement["lines"]
    assert lines[0]["meter"] is None and "plan" in lines[0]["description"].lower(), lines
    assert lines[0]["quantity"] == 1 and lines[0]["amount_cents"] == 0, lines
    assert [line["meter"] for line in lines[1:]] == METERS, lines
    by_meter = {line["meter"]: line for line in lines[1:]}
    assert by_meter["api_calls"]["quantity"] >= MEMBER_CALLS + ADMIN_CALLS, by_meter
    assert by_meter["api_calls"]["included"] == default_tables()["plans.free"]["api_calls_per_day"]
    assert by_meter["messages"] == {**by_meter["messages"], "quantity": 0, "included": 100}
    assert by_meter["prompt_tokens"]["included"] is None, by_meter
    assert by_meter["storage_bytes"]["included"] == 100 * 1000 * 1000, by_meter
    for line in lines:
        assert set(line) == {"description", "meter", "quantity", "included", "amount_cents"}
        assert isinstance(line["description"], str) and line["description"], line
    assert all(line["amount_cents"] == 0 for line in lines[1:]), "no overage pricing"
    assert statement["total_cents"] == sum(line["amount_cents"] for line in lines)

    old = api.get("/v1/usage/statement", org_a["token"], params={"month": "2001-01"}).json()
    assert old["period"]["from"] == "2001-01-01T00:00:00Z", old
    assert all(line["quantity"] == 0 for line in old["lines"][1:]), old


def test_a_paid_plan_is_on_the_statement(api):
    session = api.register(organization="Paying Org", email=unique_email("paying"))
    token = session["access_token"]
    response = api.patch("/v1/organization", token, json={"plan": "pro"})
    assert response.status_code == 200, response.text
    statement = api.get("/v1/usage/statement", token).json()
    assert statement["plan"] == "pro", statement
    assert statement["lines"][0]["amount_cents"] == 2900, statement
    assert statement["total_cents"] == 2900, statement
    by_meter = {line["meter"]: line for line in statement["lines"][1:]}
    assert by_meter["messages"]["included"] == 1000, by_meter
    assert by_meter["storage_bytes"]["included"] == 1000 * 1000 * 1000, by_meter


# ---- audit ------------------------------------------------------------------------------------

def audit(api, token, **params):
    response = api.get("/v1/audit", token, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data", "next_before"}, body
    for entry in body["data"]:
        assert set(entry) == {"id", "at", "organization", "actor_user", "actor_key", "action",
                              "target", "outcome", "ip", "user_agent", "request_id",
                              "details"}, entry
        assert isinstance(entry["details"], dict), entry
        parse_time(entry["at"])
    return body


def test_audit_filters(api, org_a):
    token = org_a["token"]
    everything = audit(api, token, limit=1000)["data"]
    assert everything and all(e["organization"] == org_a["org_id"] for e in everything)
    ids = [e["id"] for e in everything]
    assert ids == sorted(ids, reverse=True), ids

    keys = audit(api, token, action="api_key.create")["data"]
    assert len(keys) == 2 and {e["actor_user"] for e in keys} == {org_a["admin_id"],
                                                                  org_a["member"]["id"]}, keys
    assert {e["target"] for e in keys} == {org_a["member_key"]["id"], org_a["admin_key"]["id"]}
    prefixed = audit(api, token, action="api_key.")["data"]
    assert {e["action"] for e in prefixed} == {"api_key.create"}, prefixed
    assert audit(api, token, action="api_key")["data"] == [], "a prefix ends in '.'"
    assert audit(api, token, action="nothing.such")["data"] == []

    mine = audit(api, token, actor=org_a["member"]["id"])["data"]
    assert mine and all(e["actor_user"] == org_a["member"]["id"] for e in mine), mine

    # Time bounds: RFC 3339 (Z or an offset, with or without fractions) or a day.
    now = datetime.datetime.now(datetime.timezone.utc)
    hour = datetime.timedelta(hours=1)
    assert audit(api, token, since=rfc3339(now + hour))["data"] == []
    assert len(audit(api, token, since=rfc3339(now - hour), limit=1000)["data"]) == len(ids)
    assert audit(api, token, until=rfc3339(now - hour))["data"] == []
    assert len(audit(api, token, until=rfc3339(now + hour), limit=1000)["data"]) == len(ids)
    plus_two = (now + hour).astimezone(datetime.timezone(datetime.timedelta(hours=2)))
    assert audit(api, token, since=plus_two.strftime("%Y-%m-%dT%H:%M:%S.123+02:00"))["data"] == []
    assert audit(api, token, since="2999-01-01")["data"] == []
    assert audit(api, token, until="2000-01-01")["data"] == []
    assert audit(api, token, until="1970-01-01")["data"] == []
    tomorrow = (now + datetime.timedelta(days=1)).strftime("%Y-%m-%d")
    assert len(audit(api, token, until=tomorrow, limit=1000)["data"]) == len(ids)
    for name, value in (("since", "yesterday"), ("since", "2026-11-21T25:00:00Z"),
                        ("since", "2026-02-30"), ("until", "2026-11-21T10:00:00"),
                        ("until", "2026-11-21 10:00:00Z"), ("since", "2026-11-21T10:00:00+2:00"),
                        ("limit", "0"), ("limit", "1001"), ("limit", "ten"), ("before", "0"),
                        ("before", "x"), ("action", "a" * 201)):
        body = assert_error(api.get("/v1/audit", token, params={name: value}), 422,
                            "validation_failed")
        assert body["details"].get("field") == name, (name, value, body)


def test_audit_pages_walk_the_whole_log(api, org_a):
    token = org_a["token"]
    everything = [e["id"] for e in audit(api, token, limit=1000)["data"]]
    assert len(everything) >= 4, everything
    for size in (1, 2, 3):
        seen, before = [], None
        while True:
            params = {"limit": size, **({"before": before} if before else {})}
            page = audit(api, token, **params)
            assert len(page["data"]) <= size, page
            seen += [e["id"] for e in page["data"]]
            before = page["next_before"]
            if before is None:
                break
            assert before == page["data"][-1]["id"] and len(page["data"]) == size, page
        # Reading the log is not audited, so the walk sees exactly the same entries.
        assert seen == everything, (size, seen, everything)
    assert audit(api, token, limit=len(everything))["next_before"] is None
    assert audit(api, token, before=everything[-1])["data"] == []


def test_audit_of_another_organisation_needs_a_system_admin(api, org_a, org_b):
    token = org_a["token"]
    assert audit(api, token, organization=org_a["org_id"])["data"], "own organisation by id"
    for other in (org_b["org_id"], "*", "org_unknown"):
        assert_forbidden(api.get("/v1/audit", token, params={"organization": other}),
                         "admin:view_all_users")


# ---- isolation --------------------------------------------------------------------------------

def test_organisation_b_never_sees_a(api, org_a, org_b):
    a_ids = {org_a["org_id"], org_a["admin_id"], org_a["member"]["id"],
             org_a["member_key"]["id"], org_a["admin_key"]["id"]}

    def assert_no_a(text):
        for identifier in a_ids:
            assert identifier not in text, (identifier, text[:2000])

    a_before = usage(api, org_a["token"], group_by="user,day")["data"]
    for credential in (org_b["token"], org_b["key"]["key"]):
        for params in ({}, {"group_by": "user,day"}, {"user": org_a["member"]["id"]},
                       {"user": org_a["admin_id"], "format": "csv"}):
            response = api.get("/v1/usage", credential, params=params)
            assert response.status_code == 200, response.text
            assert_no_a(response.text)
            if params.get("format") != "csv":
                assert response.json()["organization"] == org_b["org_id"]
        assert usage(api, credential, user=org_a["member"]["id"])["data"] == []
        statement = api.get("/v1/usage/statement", credential)
        assert statement.status_code == 200, statement.text
        assert statement.json()["organization"]["id"] == org_b["org_id"]
        assert_no_a(statement.text)
        for params in ({}, {"actor": org_a["admin_id"]}, {"action": "api_key."},
                       {"limit": 1000}):
            response = api.get("/v1/audit", credential, params=params)
            assert response.status_code == 200, response.text
            assert all(e["organization"] == org_b["org_id"] for e in response.json()["data"])
            assert_no_a(response.text)
        assert audit(api, credential, actor=org_a["admin_id"])["data"] == []
    # B's usage is B's key requests above, all B's admin's; A's usage did not move.
    b_rows = usage(api, org_b["token"], group_by="user")["data"]
    assert {row["user"] for row in b_rows} == {org_b["admin_id"]}, b_rows
    b_calls = sum(row["amount"] for row in b_rows if row["meter"] == "api_calls")
    assert b_calls >= 10, b_rows
    statement = api.get("/v1/usage/statement", org_b["token"]).json()
    line = next(line for line in statement["lines"] if line["meter"] == "api_calls")
    assert line["quantity"] == b_calls, (line, b_rows)
    assert usage(api, org_a["token"], group_by="user,day")["data"] == a_before


# ---- system administration --------------------------------------------------------------------

def test_admin_routes_need_a_system_admin(api, org_a):
    for credential in (org_a["token"], org_a["member_token"]):
        assert_forbidden(api.get("/v1/admin/organizations", credential), "admin:access_dashboard")
        assert_forbidden(api.get("/v1/admin/users", credential), "admin:view_all_users")
        assert_forbidden(api.patch(f"/v1/admin/organizations/{org_a['org_id']}", credential,
                                   json={"plan": "enterprise"}), "admin:manage_features")
    assert_unauthenticated(api.get("/v1/admin/users"))
    assert api.get("/v1/organization", org_a["token"]).json()["plan"] == "free"


def test_a_system_admin_lists_and_changes_organisations(api, admin_cli, org_a, org_b):
    if not admin_cli:
        pytest.skip("this binary has no `ragd admin create-org --system-admin` yet: no way to "
                    "make a system admin (registration never makes one)")
    session = api.login(SYSADMIN_EMAIL, PASSWORD)
    token = session["access_token"]
    assert session["user"]["role"] == "system_admin", session

    orgs = api.get("/v1/admin/organizations", token)
    assert orgs.status_code == 200, orgs.text
    by_id = {o["id"]: o for o in orgs.json()["data"]}
    assert set(by_id[org_a["org_id"]]) == {"id", "name", "plan", "created_at", "user_count"}
    assert by_id[org_a["org_id"]]["user_count"] == 2 and by_id[org_b["org_id"]]["user_count"] == 1
    assert by_id[org_a["org_id"]]["name"] == "Usage Alpha"
    users = api.get("/v1/admin/users", token)
    assert users.status_code == 200, users.text
    listed = {u["id"]: u for u in users.json()["data"]}
    assert {org_a["admin_id"], org_a["member"]["id"], org_b["admin_id"]} <= set(listed)
    assert set(listed[org_a["member"]["id"]]) == {"id", "email", "name", "role", "organization",
                                                  "created_at"}
    assert "argon2" not in users.text and "password" not in users.text

    path = f"/v1/admin/organizations/{org_b['org_id']}"
    changed = api.patch(path, token, json={"plan": "enterprise"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["plan"] == "enterprise" and changed.json()["id"] == org_b["org_id"]
    assert api.get("/v1/organization", org_b["token"]).json()["plan"] == "enterprise"
    # The members' limits follow at once (the plan is not served from a stale cache).
    assert api.get("/v1/quotas", org_b["token"]).json()["plan"]["name"] == "enterprise"
    assert api.get("/v1/me", org_b["token"]).json()["plan"]["name"] == "enterprise"
    assert_error(api.patch(path, token, json={"plan": "platinum"}), 422, "validation_failed")
    assert_error(api.patch(path, token, json={}), 422, "validation_failed")
    assert_error(api.patch(path, token, json={"plan": "pro", "name": "x"}), 422)
    assert_not_found(api.patch("/v1/admin/organizations/org_AAAAAAAAAAAAAAAAAAAAAA", token,
                               json={"plan": "pro"}))
    back = api.patch(path, token, json={"plan": "free"})
    assert back.status_code == 200, back.text

    # Admin actions are audited in the acting admin's organisation, with {from, to}; the
    # system admin reads any organisation's log.
    mine = audit(api, token, action="admin.set_plan")["data"]
    assert [(e["target"], e["details"]) for e in mine[:2]] == [
        (org_b["org_id"], {"from": "enterprise", "to": "free"}),
        (org_b["org_id"], {"from": "free", "to": "enterprise"})], mine
    assert audit(api, token, action="admin.list_organizations")["data"], "listing is audited"
    everywhere = audit(api, token, organization="*", limit=1000)["data"]
    assert {org_a["org_id"], org_b["org_id"]} <= {e["organization"] for e in everywhere}
    only_a = audit(api, token, organization=org_a["org_id"], limit=1000)["data"]
    assert only_a and all(e["organization"] == org_a["org_id"] for e in only_a)


# ---- authentication off -----------------------------------------------------------------------

def test_with_authentication_off(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    server = Server(data, "--auth", "off", log_dir=tmp_path / "logs")
    try:
        api = Api(server.url)
        quotas = api.get("/v1/quotas")
        assert quotas.status_code == 200 and quotas.json() == {"plan": None, "quotas": []}
        body = usage(api, None, group_by="user")
        assert body["data"] == [] and body["organization"] is None, body
        csv_response = api.get("/v1/usage", params={"format": "csv"})
        assert csv_response.text == "user,day,meter,amount\r\n", csv_response.text
        assert_error(api.get("/v1/usage", params={"month": "nope"}), 422, "validation_failed")
        for method, path in (("GET", "/v1/usage/statement"), ("GET", "/v1/audit"),
                             ("GET", "/v1/admin/organizations"), ("GET", "/v1/admin/users"),
                             ("PATCH", "/v1/admin/organizations/org_x")):
            kwargs = {"json": {"plan": "pro"}} if method == "PATCH" else {}
            body = assert_not_found(api.request(method, path, **kwargs))
            assert "without authentication" in body["message"], body
        api.close()
    finally:
        server.stop()

