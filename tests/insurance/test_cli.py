"""The insurance CLI: balances, statements (text and CSV), contributions, premium rates from a file."""

from datetime import date

from claims.enums import Species
from insurance import queries


def test_balance_and_statement(runner, insurance):
    policy = insurance.enrol(lines={"sheep": 10})
    insurance.pay(policy, "15000")
    insurance.approve(insurance.verified(policy.owner, [{"count": 1}]))  # 48,000 > 15,000: waits
    result = runner.invoke(args=["insurance", "balance", str(insurance.scheme.id)])
    assert result.exit_code == 0, result.output
    assert "available AMD\xa015,000.00" in result.output
    assert "claims awaiting funds: 1 (AMD\xa048,000.00)" in result.output
    result = runner.invoke(args=["insurance", "statement", str(insurance.scheme.id), "2026"])
    assert "+ Premiums received" in result.output and "AMD\xa015,000.00" in result.output
    assert "Premiums in arrears" in result.output and "Claims awaiting funds now: 1." in result.output
    csv = runner.invoke(args=["insurance", "statement", str(insurance.scheme.id), "2026", "--csv", "arrears"])
    assert csv.output.splitlines()[0] == "policy,owner,village,enrolled_on,premium_due,premium_paid,arrears,currency"
    assert csv.output.splitlines()[1].endswith(",20000.00,15000.00,5000.00,AMD")
    missing = runner.invoke(args=["insurance", "statement", str(insurance.scheme.id), "1999"])
    assert missing.exit_code == 1 and "has no season '1999' (seasons: 2026)" in missing.output


def test_a_contribution_from_the_command_line_releases_waiting_claims(runner, insurance):
    claim = insurance.approve(insurance.verified(insurance.enrol().owner))
    result = runner.invoke(args=["insurance", "contribute", str(insurance.scheme.id), "50000", "--donor",
                                 "Snow Leopard Trust", "--user", insurance.am.manager.username])
    assert result.exit_code == 0, result.output
    assert "Posting no. 1: AMD\xa050,000.00 from Snow Leopard Trust." in result.output
    assert "Available now AMD\xa02,000.00; claims still awaiting funds: 0." in result.output
    assert claim.status.value == "approved"
    bad = runner.invoke(args=["insurance", "contribute", str(insurance.scheme.id), "lots", "--donor", "x",
                              "--user", insurance.am.manager.username])
    assert bad.exit_code == 1 and "is not an amount" in bad.output
    clerk = runner.invoke(args=["insurance", "contribute", str(insurance.scheme.id), "10", "--donor", "x",
                                "--user", insurance.am.clerk.username])
    assert clerk.exit_code == 1 and "Only a programme manager records donor contributions." in clerk.output


def test_premium_rates_from_a_file(runner, insurance, tmp_path):
    path = tmp_path / "premiums.csv"
    path.write_text("species,amount,valid_from\nsheep,2100,2026-07-01\ngoat,-5,2026-07-01\n")
    result = runner.invoke(args=["insurance", "premium-rates", str(insurance.scheme.id), "2026", str(path)])
    assert result.exit_code == 1 and "Line 3, amount: Must not be negative." in result.output
    path.write_text("species,amount,valid_from\nsheep,2100,2026-07-01\n")
    result = runner.invoke(args=["insurance", "premium-rates", str(insurance.scheme.id), "2026", str(path)])
    assert result.exit_code == 0 and "Recorded version 2 with 1 premium rates." in result.output
    rates = queries.premium_rates_in_force(insurance.season.id, date(2026, 7, 1))
    assert (rates[Species.SHEEP]["amount"], rates[Species.GOAT]["amount"]) == (2100, 1500)  # goats unchanged
    assert queries.premium_rates_in_force(insurance.season.id, date(2026, 6, 30))[Species.SHEEP]["amount"] == 2000


def test_a_premium_file_reports_every_bad_line_in_one_pass(runner, insurance, tmp_path):
    path = tmp_path / "premiums.csv"
    # AMD has two decimal places; line 4 repeats line 2's species and date; line 3 does not read at all.
    path.write_text("species,amount,valid_from\nsheep,2100,2026-07-01\ngoat,-5,2026-07-01\n"
                    "cattle,12000.505,2026-07-01\nsheep,2200,2026-07-01\n")
    result = runner.invoke(args=["insurance", "premium-rates", str(insurance.scheme.id), "2026", str(path)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip().startswith("Line")]
    assert [line.strip() for line in lines] == [
        "Line 3, amount: Must not be negative.",
        "Line 4, amount: AMD amounts have at most 2 decimal places.",
        "Line 5, valid_from: This species already has a premium rate from this date in the table."]
    assert queries.premium_rates_in_force(insurance.season.id, date(2026, 7, 1))[Species.SHEEP]["amount"] == 2000


def test_a_paper_enrolment_from_the_command_line(runner, insurance):
    owner = insurance.owner()
    args = ["insurance", "enrol", str(insurance.scheme.id), "2026", str(owner.id), "--line", "sheep=30",
            "--signed-on", "2026-05-01", "--enrolled-on", "2026-05-01", "--user", insurance.am.clerk.username]
    refused = runner.invoke(args=args)
    assert refused.exit_code == 1 and "paper_reference: Give the reference of the paper enrolment form" in \
        refused.output
    result = runner.invoke(args=[*args, "--paper-reference", "SY-9"])
    assert result.exit_code == 0, result.output
    assert "enrolled for 2026 on 2026-05-01, cover from 2026-05-01; premium due AMD\xa060,000.00." in result.output
    assert [p.policy.paper_reference for p in queries.policies_of_owner(owner.id)] == ["SY-9"]
