//! `unscrape check`: exit codes for CI.

use super::*;
use predicates::prelude::*;

#[test]
fn exit_1_when_cleaning_would_change() {
    unscrape()
        .arg("check")
        .arg(fixture(SEED))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("would change"));
}

#[test]
fn exit_0_when_clean() {
    unscrape()
        .arg("check")
        .arg(fixture(SEED_CLEAN))
        .assert()
        .code(0)
        .stdout(predicate::str::ends_with(": clean\n"));
}

#[test]
fn quiet_prints_nothing() {
    unscrape()
        .args(["check", "-q"])
        .arg(fixture(SEED))
        .assert()
        .code(1)
        .stdout("");
}

#[test]
fn exit_2_on_error() {
    unscrape()
        .args(["check", "no-such-file.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("unscrape: no-such-file.txt: "));
}
