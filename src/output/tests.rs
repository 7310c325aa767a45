//! Unit tests of the writers: atomic swaps, reuse, links, live updates.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use super::marker::{self, MARKER};
use super::*;
use crate::model::OutputPath;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[test]
fn failed_build_leaves_previous_output() -> TestResult {
    let dir = tempfile::tempdir()?;
    let target = dir.path().join("public");
    let first = FolderOutput::begin(&target, false)?;
    first.put("index.html", b"one")?;
    first.commit()?;
    let second = FolderOutput::begin(&target, false)?;
    second.put("index.html", b"two")?;
    drop(second);
    assert_eq!(fs::read(target.join("index.html"))?, b"one");
    let third = FolderOutput::begin(&target, false)?;
    third.put("a/b.html", b"three")?;
    third.commit()?;
    assert!(!target.join("index.html").exists());
    assert_eq!(fs::read(target.join("a/b.html"))?, b"three");
    let mut names: Vec<String> = fs::read_dir(dir.path())?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".public.chapterhouse-previous",
            ".public.chapterhouse.lock",
            "public"
        ],
        "no staging folder is left behind"
    );
    Ok(())
}

#[test]
fn unchanged_files_are_linked_and_the_marker_lists_every_file() -> TestResult {
    let dir = tempfile::tempdir()?;
    let target = dir.path().join("public");
    for round in 0..3 {
        let out = FolderOutput::begin(&target, false)?;
        out.put("same.html", b"unchanged")?;
        out.put("changing.html", format!("round {round}").as_bytes())?;
        out.commit()?;
    }
    use std::os::unix::fs::MetadataExt;
    assert!(
        fs::metadata(target.join("same.html"))?.nlink() >= 2,
        "linked from the previous output"
    );
    assert_eq!(fs::metadata(target.join("changing.html"))?.nlink(), 1);
    assert_eq!(fs::read(target.join("changing.html"))?, b"round 2");
    let marker = fs::read_to_string(target.join(MARKER))?;
    let manifest = marker::parse(&marker).ok_or("the marker parses")?.files;
    assert_eq!(manifest.len(), 2);
    assert_eq!(
        manifest[&OutputPath::parse("same.html")?],
        (9, content_hash(b"unchanged"))
    );
    Ok(())
}

#[test]
fn foreign_folder_is_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    fs::write(dir.path().join("precious.txt"), b"x")?;
    let err = FolderOutput::begin(dir.path(), false).unwrap_err();
    assert!(err.message.contains("not made by chapterhouse"), "{err}");
    assert!(dir.path().join("precious.txt").exists());
    Ok(())
}

#[test]
fn unsafe_paths_are_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let out = FolderOutput::begin(&dir.path().join("out"), false)?;
    assert!(out.put("../escape.html", b"x").is_err());
    assert!(out.put("/etc/x", b"x").is_err());
    Ok(())
}

fn build(target: &Path, files: &[(&str, &str)]) -> TestResult {
    let output = FolderOutput::begin(target, false)?;
    for (path, text) in files {
        output.put(path, text.as_bytes())?;
    }
    Ok(output.commit()?)
}

fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.file_name() != MARKER)
        .map(|e| {
            let path = e.path().strip_prefix(dir).unwrap_or(e.path());
            let text = fs::read_to_string(e.path()).unwrap_or_default();
            (path.to_string_lossy().replace('\\', "/"), text)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn rebuilds_reuse_the_replaced_output_and_end_with_exactly_the_new_files() -> TestResult {
    let dir = tempfile::tempdir()?;
    let target = dir.path().join("public");
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    build(
        &target,
        &[
            ("index.html", "one"),
            ("a/index.html", "a"),
            ("x", "file"),
            ("c/index.html", "c"),
        ],
    )?;
    build(&target, &[("index.html", "two"), ("b/index.html", "b")])?;
    let kept_inode = fs::metadata(dir.path().join(".public.chapterhouse-previous/index.html"))?;
    // The third build starts from the first one's files: `index.html` is already right,
    // `a/` is stale, `x` turns from a file into a folder and `c` from a folder into a file.
    build(
        &target,
        &[
            ("index.html", "one"),
            ("x/index.html", "folder"),
            ("c", "now a file"),
        ],
    )?;
    assert_eq!(
        tree(&target),
        [
            pair("c", "now a file"),
            pair("index.html", "one"),
            pair("x/index.html", "folder")
        ]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        assert_eq!(
            fs::metadata(target.join("index.html"))?.ino(),
            kept_inode.ino(),
            "the unchanged file was kept, not written again"
        );
    }
    assert_eq!(
        tree(&dir.path().join(".public.chapterhouse-previous")),
        [pair("b/index.html", "b"), pair("index.html", "two")],
        "the replaced output is kept whole for the next build"
    );

    // A changed file that the reused folder shares by hard link with the served output
    // is replaced, never written through.
    let other = dir.path().join("other");
    build(&other, &[("index.html", "same")])?;
    build(&other, &[("index.html", "same")])?;
    build(&other, &[("index.html", "changed")])?;
    assert_eq!(tree(&other), [pair("index.html", "changed")]);
    assert_eq!(
        tree(&dir.path().join(".other.chapterhouse-previous")),
        [pair("index.html", "same")]
    );
    Ok(())
}

#[test]
fn live_output_writes_changes_in_place_and_removes_stale_files() -> TestResult {
    let dir = tempfile::tempdir()?;
    let target = dir.path().join("public");
    let mut live = LiveOutput::open(&target)?;
    let mut files = BTreeMap::new();
    files.insert("a/index.html".to_string(), b"a long first version".to_vec());
    files.insert("b/index.html".to_string(), b"b".to_vec());
    assert_eq!(live.sync(&files)?, (2, 0));
    // Unchanged bytes are not rewritten; a shorter version leaves no old tail behind.
    files.insert("a/index.html".to_string(), b"short".to_vec());
    assert_eq!(live.sync(&files)?, (1, 0));
    assert_eq!(fs::read(target.join("a/index.html"))?, b"short");
    files.remove("b/index.html");
    assert_eq!(live.sync(&files)?, (0, 1));
    assert!(!target.join("b").exists(), "the emptied folder is removed");
    // A file that another output shares by hard link is replaced, not written through.
    let elsewhere = dir.path().join("kept.html");
    fs::hard_link(target.join("a/index.html"), &elsewhere)?;
    assert_eq!(
        live.update(&[("a/index.html".to_string(), b"new".to_vec())])?,
        1
    );
    assert_eq!(fs::read(target.join("a/index.html"))?, b"new");
    assert_eq!(fs::read(&elsewhere)?, b"short");
    // A later session learns from the marker what is there and rewrites nothing.
    files.insert("a/index.html".to_string(), b"new".to_vec());
    drop(live);
    assert_eq!(LiveOutput::open(&target)?.sync(&files)?, (0, 0));
    Ok(())
}

#[test]
fn live_output_never_removes_or_writes_outside_whatever_the_marker_says() -> TestResult {
    let dir = tempfile::tempdir()?;
    let outside = dir.path().join("precious.txt");
    fs::write(&outside, b"keep")?;
    let target = dir.path().join("public");
    fs::create_dir_all(&target)?;
    let header = marker::render(&BTreeMap::new(), None);
    for forged in [
        format!("{header}4 0000000000000001 {}\n", outside.display()),
        format!("{header}4 0000000000000001 ../precious.txt\n"),
        format!("{header}4 0000000000000001 a\n4 0000000000000001 /x\n"),
        "not a marker".to_string(),
    ] {
        fs::write(target.join(MARKER), &forged)?;
        // A symlinked folder inside the output, pointing outside.
        let link = target.join("sub");
        let _ = fs::remove_file(&link);
        std::os::unix::fs::symlink(dir.path(), &link)?;
        let mut live = LiveOutput::open(&target)?;
        let mut files = BTreeMap::new();
        files.insert("sub/precious.txt".to_string(), b"written".to_vec());
        live.sync(&files)?;
        files.clear();
        live.sync(&files)?;
        drop(live);
        assert_eq!(fs::read(&outside)?, b"keep", "{forged:?}");
        assert!(!fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
    }
    Ok(())
}

#[test]
fn a_second_writer_is_refused_while_the_first_holds_the_lock() -> TestResult {
    let dir = tempfile::tempdir()?;
    let target = dir.path().join("public");
    let live = LiveOutput::open(&target)?;
    let err = FolderOutput::begin(&target, false).unwrap_err();
    assert!(err.message.contains("is writing"), "{err}");
    assert!(err.message.contains(&target.display().to_string()), "{err}");
    assert!(LiveOutput::open(&target).is_err());
    drop(live);
    FolderOutput::begin(&target, false)?.commit()?;
    Ok(())
}
