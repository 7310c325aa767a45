//! `watch`'s partial rebuilds give exactly the output of a full build of the same sources.
//!
//! Each edit goes through [`Watcher::update`] (as the file watcher would call it); the output
//! folder is then compared file by file with a fresh in-memory build, so a route the fast path
//! forgot to re-render shows up as a difference.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chapterhouse::output::MARKER;
use chapterhouse::serve::Watcher;
use chapterhouse::source::read_tree;

fn folder_files(dir: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.file_name() != MARKER)
        .map(|e| {
            let path = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            let bytes = fs::read(e.path()).unwrap();
            (
                path.replace('\\', "/"),
                String::from_utf8_lossy(&bytes).into_owned(),
            )
        })
        .collect()
}

/// Edits one file, lets the watcher rebuild, and checks the output against a full build.
/// Returns (files rendered, files written).
fn edit_and_compare(
    watcher: &mut Watcher,
    site: &Path,
    file: &str,
    edit: impl FnOnce(String) -> String,
) -> (usize, usize) {
    let path: PathBuf = site.join(file);
    let before = fs::read_to_string(&path).unwrap();
    let after = edit(before.clone());
    assert_ne!(before, after, "the edit of {file} changed nothing");
    fs::write(&path, after).unwrap();
    let rebuild = watcher
        .update(&[path])
        .unwrap_or_else(|d| panic!("rebuild after editing {file} failed:\n{d}"))
        .unwrap_or_else(|| panic!("editing {file} did not rebuild"));
    let expected = common::build_sources(&read_tree(site).unwrap(), &common::options()).unwrap();
    let actual = folder_files(watcher.output_dir());
    let keys = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&actual), keys(&expected), "after editing {file}");
    for (output, text) in &expected {
        if let Some((line, (got, want))) = actual[output]
            .lines()
            .zip(text.lines())
            .enumerate()
            .find(|(_, (got, want))| got != want)
        {
            panic!(
                "after editing {file}, {output} differs from a full build at line {}:\n  watch: {got}\n  build: {want}",
                line + 1
            );
        }
        assert_eq!(&actual[output], text, "after editing {file}, {output}");
    }
    (rebuild.rendered, rebuild.written)
}

#[test]
fn partial_rebuilds_equal_full_builds() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::copy_fixture("small", &site);
    let site = fs::canonicalize(&site).unwrap();
    let mut watcher = Watcher::new(&site, &dir.path().join("out"), common::options()).unwrap();
    let first = watcher.rebuild().unwrap();
    let all = first.total;
    assert!(
        first.written == all && all > 20,
        "the first rebuild writes the site ({} of {all} files)",
        first.written
    );

    // Text only: just the page.
    let (rendered, written) = edit_and_compare(&mut watcher, &site, "content/about.md", |text| {
        text.replace("Founded in 1990.", "Founded in 1990 by twelve members.")
    });
    assert_eq!((rendered, written), (1, 1));

    // A chapter page's title shows in the chapter's menu on every page of that chapter, the
    // home, the directory and the sitemap: those are rendered, the rest is not.
    let (rendered, written) = edit_and_compare(
        &mut watcher,
        &site,
        "content/chapters/lyon/groupe.md",
        |text| text.replace("Groupe de travail", "Groupe de recherche"),
    );
    assert!(
        rendered < all / 2 && written > 1 && written <= rendered,
        "the page and what lists it ({rendered} rendered, {written} written of {all})"
    );

    // An organisation page's date shows in the sitemap.
    let (rendered, _) = edit_and_compare(&mut watcher, &site, "content/about.md", |text| {
        text.replace("date = 2026-03-24", "date = 2026-04-01")
    });
    assert!(rendered < all / 2, "{rendered} of {all} rendered");

    // The home's intro (a section index) re-renders the home.
    let (rendered, written) = edit_and_compare(&mut watcher, &site, "content/_index.md", |text| {
        text.replace("A small institute.", "A small, friendly institute.")
    });
    assert_eq!((rendered, written), (1, 1));

    // A notice's text: the notice and the feeds that carry it (all notices, its chapter's).
    let (rendered, written) = edit_and_compare(
        &mut watcher,
        &site,
        "content/chapters/lyon/notices/2026-11-20-reunion-annulee.md",
        |text| {
            text.replace(
                "Rendez-vous le 7 janvier.",
                "Rendez-vous le 7 janvier, salle B.",
            )
        },
    );
    assert_eq!(
        (rendered, written),
        (3, 3),
        "the notice page and the two feeds"
    );

    // A notice's summary shows in lists: everything is rendered, still the same result.
    let (rendered, _) = edit_and_compare(
        &mut watcher,
        &site,
        "content/notices/2026-11-01-welcome.md",
        |text| text.replace("summary = \"", "summary = \"Updated: "),
    );
    assert_eq!(rendered, all);

    // An editor's temporary file, made and renamed away before the watcher looked, and a
    // change outside the source folders: nothing to rebuild.
    let nothing = watcher
        .update(&[site.join("content/.about.md.swp"), site.join("README.md")])
        .unwrap();
    assert!(nothing.is_none());

    // A new alias changes the routes: everything is rendered, still the same result.
    let (rendered, _) = edit_and_compare(&mut watcher, &site, "content/about.md", |text| {
        text.replace(
            "aliases = [\"/about-us/\"]",
            "aliases = [\"/about-us/\", \"/who/\"]",
        )
    });
    assert_eq!(rendered, all + 1, "one more output: the alias");
    assert!(watcher.output_dir().join("who/index.html").is_file());
}

/// `watch` and `build` share one rule of what is a source: pages in hidden folders, hidden
/// pages and editor droppings are never published, whether present at the start or added.
#[test]
fn watch_skips_what_build_skips() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::copy_fixture("small", &site);
    let page = "+++\ntitle = \"Hidden\"\n+++\nNot for publication.\n";
    for hidden in ["content/.hidden/secret.md", "content/.secret.md"] {
        fs::create_dir_all(site.join(hidden).parent().unwrap()).unwrap();
        fs::write(site.join(hidden), page).unwrap();
    }
    let site = fs::canonicalize(&site).unwrap();
    let mut watcher = Watcher::new(&site, &dir.path().join("out"), common::options()).unwrap();
    watcher.rebuild().unwrap();
    let expected = common::build_sources(&read_tree(&site).unwrap(), &common::options()).unwrap();
    assert_eq!(folder_files(watcher.output_dir()), expected);
    assert!(!watcher.output_dir().join("hidden").exists());
    assert!(!watcher.output_dir().join(".hidden").exists());

    // Added while watching: a hidden folder (as a whole, then a file in it) and a backup.
    fs::create_dir_all(site.join("content/.later")).unwrap();
    fs::write(site.join("content/.later/more.md"), page).unwrap();
    fs::write(site.join("content/about.md~"), page).unwrap();
    let changed = [
        site.join("content/.later"),
        site.join("content/.later/more.md"),
        site.join("content/about.md~"),
    ];
    assert!(watcher.update(&changed).unwrap().is_none(), "nothing to do");
    assert_eq!(folder_files(watcher.output_dir()), expected);
}

/// A page that is not UTF-8 when `watch` starts is reported as such (not as a missing
/// site), and fixing it recovers without a restart.
#[test]
fn watch_recovers_from_a_page_that_was_not_utf8_at_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::copy_fixture("small", &site);
    let about = site.join("content/about.md");
    let good = fs::read(&about).unwrap();
    let mut bad = good.clone();
    bad.extend_from_slice(b"\n\xff\xfe broken\n");
    fs::write(&about, &bad).unwrap();
    let site = fs::canonicalize(&site).unwrap();
    let about = site.join("content/about.md");
    let mut watcher = Watcher::new(&site, &dir.path().join("out"), common::options()).unwrap();
    let first = watcher.rebuild().unwrap_err().to_string();
    assert!(first.contains("content/about.md"), "{first}");
    assert!(!first.contains("not a chapterhouse site"), "{first}");
    // Another file's edit while the page is still broken: still the same error.
    let again = watcher
        .update(&[site.join("content/_index.md")])
        .unwrap_err()
        .to_string();
    assert!(again.contains("content/about.md"), "{again}");
    fs::write(&about, &good).unwrap();
    let rebuild = watcher.update(&[about]).unwrap().expect("a rebuild");
    assert_eq!(rebuild.written, rebuild.total);
    let expected = common::build_sources(&read_tree(&site).unwrap(), &common::options()).unwrap();
    assert_eq!(folder_files(watcher.output_dir()), expected);
}
