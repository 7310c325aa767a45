//! `init --ci` and `chapters`: the CI files a new site gets, and the list of chapters its
//! per-chapter jobs are made from. (scripts/ci-files-check.sh validates the files against
//! GitHub's and GitLab's schemas.)

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn chapterhouse() -> Command {
    let mut cmd = Command::cargo_bin("chapterhouse").unwrap();
    cmd.env_remove("SOURCE_DATE_EPOCH");
    cmd
}

fn files_below(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect();
    files.sort();
    files
}

#[test]
fn init_ci_github_writes_the_pages_workflow() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    chapterhouse()
        .arg("init")
        .arg(&site)
        .args([
            "--ci",
            "github",
            "--install-from",
            "https://github.com/o/chapterhouse.git",
        ])
        .assert()
        .success();
    let workflow = fs::read_to_string(site.join(".github/workflows/site.yml")).unwrap();
    for needed in [
        "CHAPTERHOUSE_GIT: https://github.com/o/chapterhouse.git",
        "cargo install --locked",
        "run: chapterhouse check\n",
        "uses: actions/upload-pages-artifact@v3.0.1",
        "uses: actions/deploy-pages@v4.0.5",
        "pages: write",
        "id-token: write",
        "chapter: ${{ fromJSON(needs.site.outputs.chapters) }}",
    ] {
        assert!(workflow.contains(needed), "no `{needed}` in:\n{workflow}");
    }
    // check runs before the build that is deployed.
    let check = workflow.find("run: chapterhouse check\n").unwrap();
    assert!(
        check
            < workflow
                .find("chapterhouse build --output-dir public")
                .unwrap()
    );
    let ci: Vec<String> = files_below(&site)
        .into_iter()
        .filter(|f| f.starts_with(".git"))
        .collect();
    assert_eq!(ci, [".github/workflows/site.yml"]);
}

#[test]
fn init_ci_gitlab_writes_the_pages_job_and_the_chapter_pipeline() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    chapterhouse()
        .arg("init")
        .arg(&site)
        .args(["--ci", "gitlab"])
        .assert()
        .success()
        .stdout(predicate::str::contains("set CHAPTERHOUSE_GIT"));
    let pipeline = fs::read_to_string(site.join(".gitlab-ci.yml")).unwrap();
    assert!(pipeline.contains("\npages:\n"), "{pipeline}");
    assert!(pipeline.contains("paths: [public]"), "{pipeline}");
    let chapter = fs::read_to_string(site.join(".gitlab/chapter-site.yml")).unwrap();
    assert!(
        chapter.contains("chapterhouse build --chapter \"$CHAPTER\""),
        "{chapter}"
    );
}

#[test]
fn init_ci_none_writes_no_ci_file_and_a_bad_url_creates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (plain, none) = (tmp.path().join("plain"), tmp.path().join("none"));
    chapterhouse().arg("init").arg(&plain).assert().success();
    chapterhouse()
        .arg("init")
        .arg(&none)
        .args(["--ci", "none"])
        .assert()
        .success();
    assert_eq!(files_below(&plain), files_below(&none));
    assert!(!files_below(&none).iter().any(|f| f.starts_with(".git")));

    let refused = tmp.path().join("refused");
    chapterhouse()
        .arg("init")
        .arg(&refused)
        .args(["--ci", "github", "--install-from", "chapterhouse"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: `--install-from chapterhouse` is not an https://, ssh:// or git@ URL",
        ))
        .stderr(predicate::str::contains("nothing was created"));
    assert!(!refused.exists());
}

#[test]
fn chapters_lists_the_standalone_ones_as_json() {
    let root = env!("CARGO_MANIFEST_DIR");
    chapterhouse()
        .args(["chapters", "--standalone", "--json", "--root", root])
        .assert()
        .success()
        .stdout("[\"london\",\"paris\",\"toronto\"]\n");
    chapterhouse()
        .args(["chapters", "--root", root])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("dublin\nedinburgh\nlondon\n"));
    let tmp = tempfile::tempdir().unwrap();
    chapterhouse()
        .args(["chapters", "--standalone", "--json", "--root"])
        .arg(tmp.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("data/site.toml"))
        .stderr(predicate::str::contains("Listing failed"));
}
