//! Translated legal data, on a copy of the example site: its French chapters publish the
//! privacy policy, cookie policy, schedules, code and oath from `data/*.fr.toml`, which
//! hold texts only; what is missing or contradicts the original is a build error.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

/// A copy of the example site (the repository's root) in a temporary folder.
fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["content", "data", "themes", "static"] {
        copy_dir(&root.join(folder), &dir.path().join(folder));
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn edit(root: &Path, file: &str, change: impl FnOnce(String) -> String) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(path, change(text)).unwrap();
}

/// `chapterhouse <args…> --now …` in `root`: (success, stdout and stderr).
fn run(root: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::cargo_bin("chapterhouse")
        .unwrap()
        .current_dir(root)
        .args(args)
        .args(["--now", "2026-11-15T12:00:00Z"])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// `chapterhouse build --force` in `root` with `args`.
fn build(root: &Path, args: &[&str]) -> (bool, String) {
    let args: Vec<&str> = ["build", "--force"].iter().chain(args).copied().collect();
    run(root, &args)
}

#[test]
fn a_french_chapter_site_publishes_the_french_texts_over_the_original_facts() {
    let site = example_copy();
    let (ok, stderr) = build(site.path(), &["--chapter", "paris", "-o", "paris"]);
    assert!(ok, "{stderr}");
    let privacy = fs::read_to_string(site.path().join("paris/privacy/index.html")).unwrap();
    assert!(privacy.contains("<html lang=\"fr\""), "{privacy}");
    assert!(privacy.contains("Gestion de votre adhésion"));
    assert!(!privacy.contains("Administering your membership"));
    // A fact comes from the original only: the processor's name is not translated.
    assert!(privacy.contains("Ledgerly Ltd"));
    let cookies = fs::read_to_string(site.path().join("paris/cookies/index.html")).unwrap();
    assert!(
        !cookies.contains("Remembers your cookie choice"),
        "{cookies}"
    );
    // The organisation's own site keeps the original.
    let (ok, stderr) = build(site.path(), &["-o", "org"]);
    assert!(ok, "{stderr}");
    let org = fs::read_to_string(site.path().join("org/privacy/index.html")).unwrap();
    assert!(org.contains("Administering your membership"));
}

#[test]
fn a_missing_translation_file_names_the_file_and_the_language() {
    let site = example_copy();
    fs::remove_file(site.path().join("data/cookies.fr.toml")).unwrap();
    let (ok, stderr) = build(site.path(), &[]);
    assert!(!ok);
    assert!(
        stderr.contains("data/cookies.fr.toml: error: data/cookies.toml has no translation into `fr`: data/cookies.fr.toml does not exist"),
        "{stderr}"
    );
    assert!(
        stderr.contains("missing_translation = \"warn\""),
        "{stderr}"
    );
}

#[test]
fn a_missing_text_is_an_error_at_the_original_naming_the_key() {
    let site = example_copy();
    edit(site.path(), "data/privacy.fr.toml", |text| {
        text.lines()
            .filter(|l| !l.starts_with("automated_decision_making"))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let (ok, stderr) = build(site.path(), &[]);
    assert!(!ok);
    assert!(
        stderr.contains("data/privacy.toml:12:29: error: `automated_decision_making` has no `fr` translation in data/privacy.fr.toml"),
        "{stderr}"
    );
}

#[test]
fn a_fact_in_a_translation_must_equal_the_original() {
    let site = example_copy();
    edit(site.path(), "data/privacy.fr.toml", |text| {
        format!("jurisdiction = \"eu\"\n{text}")
    });
    let (ok, stderr) = build(site.path(), &[]);
    assert!(!ok);
    assert!(
        stderr.contains("data/privacy.fr.toml:1:16: error: `jurisdiction` differs from data/privacy.toml: it is a fact, not a text to translate"),
        "{stderr}"
    );
    assert!(stderr.contains("make it `\"uk\"`"), "{stderr}");
}

#[test]
fn under_warn_a_missing_translation_is_published_in_the_original_language_and_marked() {
    let site = example_copy();
    fs::remove_file(site.path().join("data/ethics.fr.toml")).unwrap();
    edit(site.path(), "data/site.toml", |text| {
        format!("missing_translation = \"warn\"\n{text}")
    });
    let (ok, stderr) = build(site.path(), &["--chapter", "paris", "-o", "paris"]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("warning: data/ethics.toml has no translation into `fr`"));
    let ethics = fs::read_to_string(site.path().join("paris/ethics/index.html")).unwrap();
    assert!(
        ethics.contains("<span lang=\"en\">Integrity</span>"),
        "{ethics}"
    );
}

#[test]
fn check_names_a_translation_whose_original_changed_since() {
    let site = example_copy();
    edit(site.path(), "data/cookies.toml", |text| {
        text.replacen(
            "Our sites store as little as possible",
            "Our sites now store as little as possible",
            1,
        )
    });
    let (_, stdout) = run(site.path(), &["check"]);
    assert!(
        stdout.contains("data/cookies.fr.toml: warning: data/cookies.fr.toml is older than data/cookies.toml: its texts changed since this translation"),
        "{stdout}"
    );
    assert!(stdout.contains("then set `translation_of = \""), "{stdout}");
}
