//! What leindex does with input it cannot use: documented exit codes (3 no index,
//! 4 index unusable, 5 path not found or not usable), a message on stderr that says
//! what to do, and no damage to what is already on disk.

use std::time::Duration;

use predicates::prelude::*;

use crate::common::*;

/// Bytes that are certainly not an SQLite database.
fn garbage() -> Vec<u8> {
    let mut bytes = b"this is not a leindex index\n\x00\xff\xfe".to_vec();
    while bytes.len() < 8192 {
        bytes.extend_from_slice(b"garbage \xde\xad\xbe\xef ");
    }
    bytes
}

/// Index the Python fixture, then overwrite `.leindex/index.db` with garbage.
fn repo_with_corrupt_index() -> (Repo, Vec<u8>) {
    let repo = Repo::from_fixture("python");
    repo.index();
    let db = repo.path(".leindex/index.db");
    assert!(db.is_file(), "indexing creates .leindex/index.db");
    for side in [".leindex/index.db-wal", ".leindex/index.db-shm"] {
        let _ = std::fs::remove_file(repo.path(side));
    }
    let bytes = garbage();
    std::fs::write(&db, &bytes).unwrap();
    (repo, bytes)
}

// ------------------------------------------------------------------ bad paths

#[test]
fn index_of_missing_path_exits_5_and_names_the_path() {
    let repo = Repo::empty();
    let missing = repo.path("no-such-repo");
    repo.cmd()
        .arg("index")
        .arg(&missing)
        .assert()
        .code(5)
        .stderr(predicate::str::contains("no-such-repo"));
    assert!(!missing.exists(), "a missing path must not be created");
}

#[test]
fn index_of_a_file_exits_5() {
    // ASSUMPTION: the message names the path it refuses, as for a missing path.
    let repo = Repo::from_fixture("python");
    repo.cmd()
        .arg("index")
        .arg(repo.path("shop/cart.py"))
        .assert()
        .code(5)
        .stderr(predicate::str::contains("cart.py"));
    assert!(
        !repo.path(".leindex").exists(),
        "no index is created for a bad path"
    );
    assert!(
        !repo.path("shop/.leindex").exists(),
        "no index is created for a bad path"
    );
}

#[test]
fn symbols_with_missing_root_exits_5() {
    // ASSUMPTION: a `--root` that does not exist is "path not found" (5), not "no index" (3).
    let repo = Repo::empty();
    repo.cmd()
        .arg("symbols")
        .arg("--root")
        .arg(repo.path("no-such-root"))
        .arg("--json")
        .assert()
        .code(5)
        .stderr(predicate::str::contains("no-such-root"));
}

// ------------------------------------------------------------------ no index

#[test]
fn symbols_without_index_exits_3_and_says_to_run_index() {
    // ASSUMPTION: an error prints nothing on stdout (a JSON consumer sees no document).
    let repo = Repo::from_fixture("python");
    repo.cmd()
        .arg("symbols")
        .arg("--root")
        .arg(repo.root())
        .arg("--json")
        .assert()
        .code(3)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("leindex index"));
}

#[test]
fn outline_without_index_exits_3() {
    let repo = Repo::from_fixture("python");
    repo.cmd()
        .arg("outline")
        .arg("shop/cart.py")
        .arg("--root")
        .arg(repo.root())
        .arg("--json")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("leindex index"));
}

#[test]
fn status_without_index_exits_3() {
    let repo = Repo::empty();
    repo.cmd()
        .arg("status")
        .arg("--root")
        .arg(repo.root())
        .arg("--json")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("leindex index"));
}

// ------------------------------------------------------------------ corrupt index

#[test]
fn corrupt_index_makes_symbols_exit_4_with_a_message() {
    let (repo, _) = repo_with_corrupt_index();
    // ASSUMPTION: the message tells the user the way out, `leindex index --rebuild`.
    repo.cmd()
        .arg("symbols")
        .arg("--root")
        .arg(repo.root())
        .arg("--json")
        .assert()
        .code(4)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("--rebuild"));
}

#[test]
fn index_without_rebuild_refuses_a_corrupt_index_and_leaves_it_alone() {
    let (repo, bytes) = repo_with_corrupt_index();
    repo.cmd()
        .arg("index")
        .arg(repo.root())
        .arg("--quiet")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("--rebuild"));
    let db = repo.path(".leindex/index.db");
    assert!(db.is_file(), "the corrupt index was deleted");
    assert!(
        repo.read(".leindex/index.db") == bytes,
        "the corrupt index was modified by `index` without --rebuild"
    );
}

#[test]
fn index_rebuild_replaces_a_corrupt_index() {
    let (repo, _) = repo_with_corrupt_index();
    repo.cmd()
        .arg("index")
        .arg(repo.root())
        .arg("--rebuild")
        .arg("--quiet")
        .assert()
        .success();
    let doc = repo.symbols();
    assert!(n(&doc, "count") > 0);
    assert!(
        json_array(&doc, "symbols")
            .iter()
            .any(|sym| sym["qualified_name"] == "shop/cart.py::Cart.add"),
        "the rebuilt index holds the fixture's symbols"
    );
}

// ------------------------------------------------------------------ hostile trees

#[cfg(unix)]
#[test]
fn symlink_loop_does_not_hang_or_duplicate_files() {
    let repo = Repo::from_fixture("python");
    std::os::unix::fs::symlink(".", repo.path("loop")).unwrap();
    std::os::unix::fs::symlink("..", repo.path("shop/up")).unwrap();
    repo.cmd()
        .arg("index")
        .arg(repo.root())
        .arg("--quiet")
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
    let doc = repo.symbols();
    let files: std::collections::BTreeSet<&str> = json_array(&doc, "symbols")
        .iter()
        .map(|sym| s(sym, "file"))
        .collect();
    let want: std::collections::BTreeSet<&str> = [
        "shop/__init__.py",
        "shop/cart.py",
        "shop/models.py",
        "shop/pricing.py",
        "tests/test_cart.py",
    ]
    .into_iter()
    .collect();
    assert_eq!(files, want, "files reached through a symlink were indexed");
}

#[cfg(unix)]
#[test]
fn symlink_pointing_outside_the_root_is_not_followed() {
    let repo = Repo::from_fixture("python");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.py"),
        "def outside_root():\n    pass\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.path("elsewhere")).unwrap();
    repo.index();
    let doc = repo.symbols();
    assert!(
        !json_array(&doc, "symbols")
            .iter()
            .any(|sym| sym["name"] == "outside_root"),
        "a file outside the root was indexed through a symlink"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_skipped_and_the_rest_is_indexed() {
    use std::os::unix::fs::PermissionsExt;

    let repo = Repo::from_fixture("python");
    let target = repo.path("shop/models.py");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&target).is_ok() {
        // Running as root (or with CAP_DAC_OVERRIDE): mode 000 does not stop reads.
        eprintln!("skipped: a mode-000 file is still readable for this user");
        return;
    }
    let summary = repo.index_json(&[]);
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    // ASSUMPTION: an unreadable file is counted in `files.skipped`, not in `files.new`.
    assert_eq!(n(&summary["files"], "skipped"), 1, "{summary:#}");
    assert_eq!(n(&summary["files"], "new"), 4, "{summary:#}");
    let doc = repo.symbols();
    let symbols = json_array(&doc, "symbols");
    assert!(
        !symbols.iter().any(|sym| sym["file"] == "shop/models.py"),
        "symbols of an unreadable file"
    );
    assert!(
        symbols
            .iter()
            .any(|sym| sym["qualified_name"] == "shop/cart.py::Cart"),
        "the readable files are indexed"
    );
}

// ------------------------------------------------------------------ foreign, newer, killed

#[test]
fn foreign_sqlite_database_is_refused_with_exit_4_and_left_alone() {
    let repo = Repo::from_fixture("python");
    std::fs::create_dir_all(repo.path(".leindex")).unwrap();
    let db = repo.path(".leindex/index.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('mine');")
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    repo.cmd()
        .args(["symbols", "--json"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("not a leindex index"));
    repo.cmd()
        .arg("index")
        .arg(repo.root())
        .assert()
        .code(4)
        .stderr(predicate::str::contains("--rebuild"));
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "a foreign database is never written"
    );
}

#[test]
fn index_of_a_newer_schema_is_refused_by_this_binary() {
    let repo = Repo::from_fixture("python");
    repo.index();
    let db = repo.path(".leindex/index.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute(
            "UPDATE meta SET value = '999' WHERE key = 'schema_version'",
            [],
        )
        .unwrap();
    }
    repo.cmd().args(["status"]).assert().code(4).stderr(
        predicate::str::contains("schema version 999").and(predicate::str::contains("newer")),
    );
    repo.cmd().arg("index").arg(repo.root()).assert().code(4);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let v: String = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(v, "999", "the newer index is left as it was");
}

#[test]
fn outline_of_a_file_that_is_not_indexed_exits_5() {
    let repo = Repo::from_fixture("python");
    repo.index();
    repo.cmd()
        .args(["outline", "no/such/file.py"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("not in the index"));
}

/// A repository big enough that indexing it takes a while.
fn big_repo(files: usize) -> Repo {
    let repo = Repo::empty();
    for i in 0..files {
        let mut src = String::new();
        for j in 0..40 {
            src.push_str(&format!(
                "def f{i}_{j}(x):\n    if x > {j}:\n        return g(x) + {j}\n    return h(x)\n\n"
            ));
        }
        repo.write(&format!("pkg{}/m{i}.py", i % 20), src);
    }
    repo
}

/// Kill `leindex index` at several points of a run over a previously indexed repository:
/// whenever the kill lands, the index that remains answers queries, with either the old
/// or the new content and nothing in between.
#[test]
fn index_killed_midway_leaves_a_usable_index() {
    let repo = big_repo(600);
    repo.index();
    let before = repo.symbols()["count"].as_u64().unwrap();
    // Change every file so that the next run rewrites everything.
    for i in 0..600 {
        repo.append(
            &format!("pkg{}/m{i}.py", i % 20),
            "\ndef extra(y):\n    return y\n",
        );
    }
    let after = before + 600;
    let bin = assert_cmd::cargo::cargo_bin("leindex");
    for (attempt, delay_ms) in [5u64, 40, 120, 300].into_iter().enumerate() {
        let flag = if attempt % 2 == 0 {
            "--rebuild"
        } else {
            "--quiet"
        };
        let mut child = std::process::Command::new(&bin)
            .arg("index")
            .arg(repo.root())
            .arg(flag)
            .arg("--quiet")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let count = repo.symbols()["count"].as_u64().unwrap();
        assert!(
            count == before || count == after,
            "after a kill at {delay_ms} ms the index has {count} symbols, neither {before} nor {after}"
        );
    }
    // And a full run afterwards completes and holds the new content.
    repo.index();
    assert_eq!(repo.symbols()["count"].as_u64().unwrap(), after);
}
