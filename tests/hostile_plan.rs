//! Output path conflicts are errors naming the sources, never a file silently lost or a raw
//! OS error: aliases onto other outputs, onto the marker, unreachable aliases, two index
//! pages of one folder, names longer than a file name may be.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn build(site: &Path) -> (i32, String) {
    let output = Command::cargo_bin("chapterhouse")
        .unwrap()
        .args(["build", "--now", "2026-11-23T12:00:00Z", "--root"])
        .arg(site)
        .arg("--output-dir")
        .arg(site.join("public"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code().unwrap_or(-1), text)
}

fn site_with(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_fixture("small", dir.path());
    for (path, text) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

fn page(front: &str) -> String {
    format!("+++\ntitle = \"P\"\n{front}\n+++\nBody.\n")
}

#[test]
fn aliases_onto_other_outputs_name_both_sources() {
    let dir = site_with(&[
        ("static/old.html", "kept".to_string()),
        (
            "content/a.md",
            page("aliases = [\"/old.html\", \"/robots.txt/\", \"/.chapterhouse-output/\"]"),
        ),
    ]);
    let (code, errors) = build(dir.path());
    assert_eq!(code, 1, "{errors}");
    for expected in [
        "two sources map to the output `old.html`: content/a.md (alias `/old.html`) and static/old.html",
        "`robots.txt` is a file of (built in) and a folder of content/a.md (alias `/robots.txt/`)",
        "content/a.md (alias `/.chapterhouse-output/`) cannot be written to `.chapterhouse-output/index.html`",
    ] {
        assert!(errors.contains(expected), "{expected}\nnot in:\n{errors}");
    }
    assert!(
        errors.contains("Build failed: 3 errors; nothing was written."),
        "{errors}"
    );
    assert!(!dir.path().join("public").exists());
}

#[test]
fn unreachable_aliases_are_located_errors() {
    let dir = site_with(&[(
        "content/a.md",
        page("aliases = [\"/x?y/\", \"/z#w/\", \"/tab\\tbed/\"]"),
    )]);
    let (code, errors) = build(dir.path());
    assert_eq!(code, 1, "{errors}");
    for alias in ["/x?y/", "/z#w/", "/tab\\tbed/"] {
        let expected = format!(
            "content/a.md:3:11: error: alias `{alias}` holds `?`, `#` or a control character, so no address can reach it"
        );
        assert!(errors.contains(&expected), "{expected}\nnot in:\n{errors}");
    }
}

#[test]
fn two_index_pages_of_one_folder_and_overlong_names_are_errors() {
    let long = "a".repeat(300);
    let dir = site_with(&[
        ("content/guide/_index.md", page("")),
        ("content/guide/index.md", page("")),
        ("content/long.md", page(&format!("slug = \"{long}\""))),
    ]);
    let (code, errors) = build(dir.path());
    assert_eq!(code, 1, "{errors}");
    assert!(
        errors.contains("content/guide/index.md: error: two sources map to the output `guide/index.html`: content/guide/_index.md and content/guide/index.md"),
        "{errors}"
    );
    assert!(
        errors.contains(&format!(
            "content/long.md: error: content/long.md cannot be written to `{long}/index.html`"
        )),
        "{errors}"
    );
    assert!(!errors.contains("os error"), "{errors}");
}

#[test]
fn a_declared_script_that_is_not_a_file_is_one_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_fixture("small", dir.path());
    let cookies = dir.path().join("data/cookies.toml");
    let mut text = fs::read_to_string(&cookies).unwrap();
    text.push_str(
        "\n[[services]]\nid = \"stats\"\nname = \"Stats\"\nprovider = \"Us\"\ncategory = \"analytics\"\npurpose = \"Counting visits\"\nscripts = [\"/js/missing.js\"]\n",
    );
    fs::write(&cookies, text).unwrap();
    // The fixture's French chapter site carries the cookie policy in French too.
    let french = dir.path().join("data/cookies.fr.toml");
    let mut text = fs::read_to_string(&french).unwrap();
    text.push_str("\n[[services]]\nname = \"Statistiques\"\npurpose = \"Compter les visites\"\n");
    fs::write(&french, text).unwrap();
    let (code, errors) = build(dir.path());
    assert_eq!(code, 1, "{errors}");
    assert!(
        errors.contains("data/cookies.toml:17:13: error: service `stats` loads `/js/missing.js`, which is not a file of the site"),
        "{errors}"
    );
    assert!(
        errors.contains("Build failed: 1 error;"),
        "one error, not one per page:\n{errors}"
    );
    // Once the file exists the site builds.
    fs::create_dir_all(dir.path().join("static/js")).unwrap();
    fs::write(
        dir.path().join("static/js/missing.js"),
        "// counts visits\n",
    )
    .unwrap();
    let (code, errors) = build(dir.path());
    assert_eq!(code, 0, "{errors}");
}
