"""What the claim list keeps from one request to the next (README "Performance"): its statements, built once per set
of filters and run with each request's values, and the page's fixed parts (menus, choices), rendered once per
language and key. Nothing kept may show one request's values on another's page."""

import re
import subprocess
import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from claims import queries
from claims.states import ClaimState
from conflict_service.db import db
from tests.factories import at
from tests.helpers import login, post_form, sql_statements

NOW = at(2026, 11, 21, 9, 0)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _numbers(client, query: str) -> set[str]:
    page = client.get(f"/claims?{query}").get_data(as_text=True)
    return set(re.findall(r'<td data-label="Claim"><a [^>]*>([^<]+)</a>', page))


def test_one_statement_per_set_of_filters_runs_with_each_requests_values(app, client, world, make, clock):
    karim = make.claim(world.ir, make.owner(world.ir.clerk, world.ir.office, name="Karim Yazdani"))
    davood = make.claim(world.ir, make.owner(world.ir.clerk, world.ir.office, name="Davood Rostami"))
    davood.status = ClaimState.PAID
    db.session.commit()
    login(client, world.ir.clerk)
    assert _numbers(client, "q=yazdani") == {karim.number}
    assert _numbers(client, "q=rostami") == {davood.number}
    assert _numbers(client, "q=%25") == set()  # a % typed is a %, not a wildcard
    assert _numbers(client, "status=paid") == {davood.number}
    assert _numbers(client, "status=submitted") == {karim.number}
    assert _numbers(client, "status=submitted&status=paid") == {karim.number, davood.number}

    filters = queries.ClaimFilters(status=[ClaimState.PAID])
    values = queries._list_values(world.ir.clerk, filters, 1, 50)
    assert queries._list_statements(filters, values) is queries._list_statements(
        queries.ClaimFilters(status=[ClaimState.SUBMITTED, ClaimState.PAID]), values)  # built once, kept


def test_the_kept_statements_read_the_time_of_each_request(client, world, make, clock):
    """Overdue is "due before now": a statement built at one moment must not keep that moment."""
    claim = make.claim(world.ir)
    claim.verification_due_at = claim.due_at = NOW + timedelta(minutes=5)
    db.session.commit()
    login(client, world.ir.clerk)
    assert _numbers(client, "overdue=true") == set()
    assert "Overdue</span>" not in client.get("/claims").get_data(as_text=True)
    clock.move_to(NOW + timedelta(minutes=10))  # within the session
    assert _numbers(client, "overdue=true") == {claim.number}
    assert "Overdue</span>" in client.get("/claims").get_data(as_text=True)


def test_a_second_page_of_the_same_filters_shows_its_own_rows(world, make, clock):
    for _ in range(3):
        make.claim(world.ir)
    db.session.flush()
    pages = [queries.claim_list_page(world.ir.clerk, queries.ClaimFilters(), number, 2) for number in (1, 2)]
    first, second = ({row.number for row in page.items} for page in pages)
    assert len(first) == 2 and len(second) == 1 and not first & second and pages[1].total == 3
    other = queries.claim_list_page(world.am.clerk, queries.ClaimFilters(), 1, 2)  # another user's scope
    assert other.total == 0 and other.items == []


def test_the_benchs_floor_runs_the_pages_own_statements_with_their_values_written_in(world, make, clock):
    """bench/run.py compiles the page's two statements with their values as literals and runs them on the driver."""
    for _ in range(3):
        make.claim(world.ir)
    db.session.flush()
    filters = queries.ClaimFilters(status=[ClaimState.SUBMITTED], overdue=False, q="owner")
    page = queries.claim_list_page(world.ir.clerk, filters, 1, 2)
    count, rows = queries.claim_list_statements(world.ir.clerk, filters, 1, 2)
    connection, dialect = db.session.connection(), db.session.get_bind().dialect
    literal = [str(s.compile(dialect=dialect, compile_kwargs={"literal_binds": True})) for s in (count, rows)]
    assert connection.exec_driver_sql(literal[0]).scalar() == page.total == 3
    assert [r[1] for r in connection.exec_driver_sql(literal[1]).all()] == [r.number for r in page.items]


def _selected(page: str, select_id: str) -> list[str]:
    select = re.search(rf'<select id="{select_id}".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="([^"]*)" selected>', select)


def test_the_kept_choices_mark_what_this_request_chose(client, world, clock):
    login(client, world.ir.clerk)
    page = client.get("/claims?status=paid&clock=verification").get_data(as_text=True)
    assert _selected(page, "status") == ["paid"] and _selected(page, "clock") == ["verification"]
    page = client.get("/claims?status=submitted").get_data(as_text=True)
    assert _selected(page, "status") == ["submitted"] and _selected(page, "clock") == []
    page = client.get("/claims?status=nonsense&clock=whenever").get_data(as_text=True)
    assert _selected(page, "status") == [] and _selected(page, "clock") == []


def test_the_kept_menus_follow_the_page_the_role_and_the_language(client, world, clock):
    login(client, world.ir.clerk)
    claims_page = client.get("/claims").get_data(as_text=True)
    assert re.search(r'<a href="/claims" aria-current="page">Claims</a>', claims_page)
    assert ">Programmes<" not in claims_page  # not a clerk's
    owners_page = client.get("/owners").get_data(as_text=True)
    assert re.search(r'<a href="/owners" aria-current="page">Owners</a>', owners_page)
    assert 'aria-current="page">Claims' not in owners_page
    assert re.search(r'<option value="en" lang="en" selected>', owners_page)

    post_form(client, "/language", {"lang": "fa", "next": "/claims"}, form_path="/claims")
    persian = client.get("/claims").get_data(as_text=True)
    assert re.search(r'<option value="fa" lang="fa" selected>', persian)
    assert not re.search(r'<option value="en" lang="en" selected>', persian)
    assert 'aria-current="page">Claims<' not in persian and 'aria-current="page">' in persian  # the menu in Persian

    client.post("/logout", data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', persian).group(1)})
    login(client, world.ir.manager)
    manager = client.get("/claims").get_data(as_text=True)
    assert ">Programmes<" in manager and re.search(r'<a href="/claims" aria-current="page">Claims</a>', manager)


# --- the programme choices, kept per process until the scope version moves ------------------------------------------

def _programme_choices(client) -> dict[str, str]:
    page = client.get("/claims").get_data(as_text=True)
    select = re.search(r'<select id="programme_id".*?</select>', page, re.S).group(0)
    return dict(re.findall(r'<option value="(\d+)" >([^<]*)</option>', select))


@pytest.fixture
def statements(app):
    """The SQL statements run while the test reads it (the list: ``statements[:]``)."""
    with sql_statements(app) as seen:
        yield seen


def _reads_programme_choices(statements) -> int:
    read = "SELECT programmes.id, programmes.name, programmes.names, programmes.official_language FROM programmes"
    return sum(s.startswith(read) for s in statements)


def test_the_programme_choices_are_read_once_while_the_scope_version_stays(app, client, world, statements, clock):
    login(client, world.ir.clerk)
    statements.clear()
    assert _programme_choices(client) == {str(world.ir.programme.id): world.ir.programme.name}
    assert _reads_programme_choices(statements) == 1
    statements.clear()
    assert _programme_choices(client) == {str(world.ir.programme.id): world.ir.programme.name}
    assert _reads_programme_choices(statements) == 0  # kept: the version came with the signed-in user
    other = app.test_client()
    login(other, world.ir.manager)  # another user of the same scope reads their own
    statements.clear()
    assert _programme_choices(other) == {str(world.ir.programme.id): world.ir.programme.name}
    assert _reads_programme_choices(statements) == 1


def _sql(statement: str, **values) -> None:
    """A change written in plain SQL, as another process or a database console would: nothing in this process's
    Python sees it, only the database's triggers."""
    db.session.execute(sa.text(statement), values)
    db.session.commit()


def test_a_programme_renamed_added_or_removed_shows_on_the_next_page(client, world, make, clock):
    login(client, world.ir.clerk)
    ir = str(world.ir.programme.id)
    assert _programme_choices(client) == {ir: world.ir.programme.name}
    _sql("UPDATE programmes SET name = 'Renamed programme' WHERE id = :id", id=world.ir.programme.id)
    assert _programme_choices(client) == {ir: "Renamed programme"}
    _sql("UPDATE programmes SET names = :names WHERE id = :id", names='{"en": "Its English name"}',
         id=world.ir.programme.id)
    assert _programme_choices(client) == {ir: "Its English name"}
    office = make.programme(world.ir.office, name="Office programme")
    db.session.commit()
    assert _programme_choices(client) == {ir: "Its English name", str(office.id): "Office programme"}
    _sql("UPDATE programmes SET jurisdiction_id = :am WHERE id = :id", am=world.am.office.id, id=office.id)
    assert _programme_choices(client) == {ir: "Its English name"}  # moved out of the clerk's reach


def test_a_users_jurisdictions_or_the_tree_changed_show_on_the_next_page(client, world, clock):
    login(client, world.ir.clerk)
    ir, am = str(world.ir.programme.id), str(world.am.programme.id)
    assert _programme_choices(client).keys() == {ir}
    values = {"user": world.ir.clerk.id, "office": world.am.office.id}
    _sql("INSERT INTO user_jurisdictions (user_id, jurisdiction_id) VALUES (:user, :office)", **values)
    assert _programme_choices(client).keys() == {ir, am}
    _sql("DELETE FROM user_jurisdictions WHERE user_id = :user AND jurisdiction_id = :office", **values)
    assert _programme_choices(client).keys() == {ir}
    # the clerk's office moved under Armenia's region: Iran's national programme is no longer above it
    _sql("UPDATE jurisdictions SET parent_id = :region WHERE id = :office", region=world.am.region.id,
         office=world.ir.office.id)
    assert _programme_choices(client).keys() == {am}


def _version() -> int:
    return db.session.execute(sa.text("SELECT version FROM scope_version WHERE id = 1")).scalar_one()


def test_a_rolled_back_change_leaves_no_version_that_comes_back(world):
    """The version is drawn anew, never counted up: a value a rolled-back change set (and a process may have kept
    rows under) is not the value of a later change."""
    before = _version()
    savepoint = db.session.begin_nested()
    db.session.execute(sa.text("UPDATE programmes SET name = 'Never kept' WHERE id = :id"),
                       {"id": world.ir.programme.id})
    rolled_back = _version()
    savepoint.rollback()
    assert _version() == before != rolled_back
    db.session.execute(sa.text("UPDATE programmes SET name = 'Kept' WHERE id = :id"), {"id": world.ir.programme.id})
    assert _version() not in (before, rolled_back)
    db.session.execute(sa.text("UPDATE programmes SET is_active = false WHERE id = :id"), {"id": world.ir.programme.id})
    assert _version() not in (before, rolled_back)


@pytest.mark.committing
def test_a_rename_by_another_process_shows_on_this_processs_next_page(app, client, world, clock):
    """Another process (here a Python of its own, on its own connection) renames a programme and commits: this
    process, which kept the choices, shows the new name on the next page."""
    db.session.commit()
    login(client, world.ir.clerk)
    ir = str(world.ir.programme.id)
    assert _programme_choices(client) == {ir: world.ir.programme.name}
    assert _programme_choices(client) == {ir: world.ir.programme.name}  # kept
    script = ("import sys, sqlalchemy as sa\n"
              "with sa.create_engine(sys.argv[1]).begin() as c:\n"
              "    c.execute(sa.text('UPDATE programmes SET name = :n WHERE id = :id'),\n"
              "              {'n': sys.argv[2], 'id': sys.argv[3]})")
    subprocess.run([sys.executable, "-c", script, app.config["DATABASE_URL"], "Renamed elsewhere", ir], check=True)
    assert _programme_choices(client) == {ir: "Renamed elsewhere"}


def test_the_rows_escape_what_was_typed_and_flag_an_overdue_stage(client, world, make, clock):
    """The rows written in Python escape every value as the template's {{ }} did, and keep the status and overdue
    badges in the reader's language."""
    owner = make.owner(world.ir.clerk, world.ir.office, name='Ali <b>"&\' Rezaei', village="<i>Dargaz</i>")
    claim = make.claim(world.ir, owner, incident_village="Chehel & <mir>")
    claim.verification_due_at = claim.due_at = NOW - timedelta(hours=1)
    db.session.commit()
    login(client, world.ir.clerk)
    page = client.get("/claims").get_data(as_text=True)
    assert '<td data-label="Owner"><bdi>Ali &lt;b&gt;&#34;&amp;&#39; Rezaei</bdi></td>' in page
    assert '<td data-label="Village"><bdi>Chehel &amp; &lt;mir&gt;</bdi></td>' in page
    assert (f'<td data-label="Claim"><a class="ltr nowrap" href="/claims/{claim.id}">{claim.number}</a></td>'
            in page)
    assert ('<td data-label="Status"><span class="badge status-submitted">Submitted</span> <span class="badge '
            'flag-danger" title="Site visit due">Overdue</span></td>') in page
    post_form(client, "/language", {"lang": "fa", "next": "/claims"}, form_path="/claims")
    persian = client.get("/claims").get_data(as_text=True)
    assert '<td data-label="دامدار"><bdi>Ali &lt;b&gt;' in persian and ">دیرکرد</span></td>" in persian
