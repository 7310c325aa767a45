//! The binary as a user runs it: exit codes, messages, the output folder.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn chapterhouse() -> Command {
    let mut cmd = Command::cargo_bin("chapterhouse").unwrap();
    cmd.env_remove("SOURCE_DATE_EPOCH");
    cmd
}

fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn build_prints_one_summary_line() {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("public");
    chapterhouse()
        .args(["build", "--now", "2026-11-23T12:00:00Z", "--root"])
        .arg(common::fixture("small"))
        .arg("--output-dir")
        .arg(&target)
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"^Built 14 pages \(28 files\) in \d+ ms\n$").unwrap());
    let home = fs::read_to_string(target.join("chapters/lyon/index.html")).unwrap();
    assert!(home.contains("Claire Martin"));
}

#[test]
fn two_builds_are_byte_identical() {
    let out = tempfile::tempdir().unwrap();
    let (a, b) = (out.path().join("a"), out.path().join("b"));
    for target in [&a, &b] {
        // "Now" from SOURCE_DATE_EPOCH, as a reproducible build sets it.
        chapterhouse()
            .env("SOURCE_DATE_EPOCH", "1795000000")
            .arg("build")
            .arg("-r")
            .arg(common::fixture("small"))
            .arg("-o")
            .arg(target)
            .assert()
            .success();
    }
    let (first, second) = (read_all(&a), read_all(&b));
    let names =
        |files: &[(String, Vec<u8>)]| files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&first), names(&second));
    for ((name, x), (_, y)) in first.iter().zip(&second) {
        assert!(x == y, "{name} differs between two builds");
    }
}

#[test]
fn failed_build_exits_1_and_leaves_previous_output_identical() {
    let site = tempfile::tempdir().unwrap();
    common::copy_fixture("small", site.path());
    chapterhouse()
        .arg("build")
        .arg("-r")
        .arg(site.path())
        .assert()
        .success();
    let before = read_all(&site.path().join("public"));

    fs::write(
        site.path().join("content/about.md"),
        "+++\ntitle = \"About\"\nweight = \"heavy\"\n+++\n",
    )
    .unwrap();
    fs::write(
        site.path().join("data/chapters/york.toml"),
        "name = \"York\"\n",
    )
    .unwrap();
    chapterhouse()
        .arg("build")
        .arg("-r")
        .arg(site.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "content/about.md:3:10: error: invalid type: string \"heavy\", expected i64",
        ))
        .stderr(predicate::str::contains(
            "data/chapters/york.toml:1:1: error: missing field `country`",
        ))
        .stderr(predicate::str::contains(
            "data/chapters/york.toml:1:1: error: missing field `timezone`",
        ))
        .stderr(predicate::str::contains(
            "Build failed: 4 errors; the previous output was left as it was.",
        ));
    assert_eq!(read_all(&site.path().join("public")), before);
    let leftovers: Vec<_> = fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        !leftovers
            .iter()
            .any(|n| n.to_string_lossy().contains("chapterhouse-")),
        "{leftovers:?}"
    );
}

#[test]
fn usage_errors_exit_2() {
    chapterhouse()
        .args(["build", "--now", "yesterday"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("RFC 3339"));
    chapterhouse()
        .args(["build", "--base-url", "example.org"])
        .assert()
        .code(2);
    chapterhouse().args(["frobnicate"]).assert().code(2);
}

#[test]
fn a_failed_first_build_says_nothing_was_written() {
    let site = tempfile::tempdir().unwrap();
    common::copy_fixture("small", site.path());
    fs::write(site.path().join("data/site.toml"), "title = \"x\"\n").unwrap();
    chapterhouse()
        .arg("build")
        .arg("-r")
        .arg(site.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("missing field `base_url`"))
        .stderr(predicate::str::contains("missing field `controller`"))
        .stderr(predicate::str::contains(
            "Build failed: 2 errors; nothing was written.",
        ));
    assert!(!site.path().join("public").exists());
    // `init` into a folder that is not empty is refused, and says so.
    chapterhouse()
        .arg("init")
        .arg(site.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "Init failed: 1 error; nothing was created.",
        ));
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_make() {
    let out = tempfile::tempdir().unwrap();
    fs::write(out.path().join("thesis.tex"), "years of work").unwrap();
    chapterhouse()
        .arg("build")
        .arg("-r")
        .arg(common::fixture("small"))
        .arg("-o")
        .arg(out.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not made by chapterhouse"));
    assert!(out.path().join("thesis.tex").exists());
}

#[test]
fn init_creates_a_site_that_builds_and_new_scaffolds_files() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("my-site");
    chapterhouse()
        .arg("init")
        .arg(&site)
        .assert()
        .success()
        .stdout(predicate::str::contains("Created a new site"));
    chapterhouse()
        .arg("build")
        .arg("-r")
        .arg(&site)
        .assert()
        .success();
    assert!(
        fs::read_to_string(site.join("public/index.html"))
            .unwrap()
            .contains("Welcome to the institute.")
    );

    chapterhouse()
        .args(["new", "chapter", "north-shore", "-r"])
        .arg(&site)
        .assert()
        .success();
    assert!(site.join("data/chapters/north-shore.toml").is_file());
    chapterhouse()
        .arg("build")
        .arg("-r")
        .arg(&site)
        .assert()
        .success();
    let chapter = fs::read_to_string(site.join("public/chapters/north-shore/index.html")).unwrap();
    assert!(chapter.contains("<h1>North Shore</h1>"), "{chapter}");

    chapterhouse()
        .args([
            "new",
            "notice",
            "Annual General Meeting 2027",
            "--chapter",
            "north-shore",
            "-r",
        ])
        .arg(&site)
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .assert()
        .success();
    let notice = fs::read_to_string(
        site.join("content/chapters/north-shore/notices/2026-11-18-annual-general-meeting-2027.md"),
    )
    .unwrap();
    assert!(
        notice.starts_with("+++\ntitle = \"Annual General Meeting 2027\"\ndate = 2026-11-18\n"),
        "{notice}"
    );

    chapterhouse()
        .args(["new", "chapter", "north-shore", "-r"])
        .arg(&site)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    chapterhouse()
        .args(["new", "notice", "X", "--chapter", "nowhere", "-r"])
        .arg(&site)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("there is no chapter `nowhere`"));
    chapterhouse()
        .arg("init")
        .arg(&site)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not empty"));
}

#[test]
fn an_unchanged_site_is_recognised_and_a_change_rebuilds() {
    let site = tempfile::tempdir().unwrap();
    common::copy_fixture("small", site.path());
    let build = || {
        let mut cmd = chapterhouse();
        cmd.env("SOURCE_DATE_EPOCH", "1795000000")
            .arg("build")
            .arg("-r")
            .arg(site.path());
        cmd
    };
    build()
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Built 13 pages"));
    build()
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Up to date: 13 pages (27 files) unchanged",
        ));
    common::replace_in(
        &site.path().join("content/about.md"),
        "Founded in 1990",
        "Founded in 1991",
    );
    build()
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Built 13 pages"));
    assert!(
        fs::read_to_string(site.path().join("public/about/index.html"))
            .unwrap()
            .contains("Founded in 1991")
    );
    // A damaged output is rebuilt, not trusted.
    fs::remove_file(site.path().join("public/about/index.html")).unwrap();
    build()
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Built 13 pages"));
    assert!(site.path().join("public/about/index.html").is_file());
}

#[test]
fn a_missing_or_wrong_root_is_named_and_nothing_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-site");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a site").unwrap();
    for (root, what) in [(&missing, "does not exist"), (&file, "is not a folder")] {
        for command in ["build", "check"] {
            let output = chapterhouse()
                .arg(command)
                .arg("--root")
                .arg(root)
                .output()
                .unwrap();
            let errors = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(1), "{command}: {errors}");
            assert!(
                errors.contains(&format!(
                    "error: the site folder `{}` {what}",
                    root.display()
                )),
                "{command}: {errors}"
            );
        }
    }
    assert!(!missing.exists(), "nothing is created for a missing root");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
