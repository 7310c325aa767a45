//! Atomic output: a build killed at any moment leaves the old site or the new one, whole.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const SITE: &str = "title = \"T\"\nbase_url = \"https://t.example/\"\n[controller]\nname = \"T\"\naddress = \"A\"\nemail = \"p@t.example\"\n";

/// `chapterhouse build -r ROOT`, to be run or spawned.
fn build(root: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chapterhouse"));
    command.arg("build").arg("-r").arg(root);
    command
}

fn write_site(root: &Path, version: u32, pages: usize) {
    fs::create_dir_all(root.join("data")).unwrap();
    fs::write(root.join("data/site.toml"), SITE).unwrap();
    for (path, text) in chapterhouse::scaffold::STARTER_LEGAL {
        fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
        fs::write(root.join(path), text).unwrap();
    }
    fs::create_dir_all(root.join("content")).unwrap();
    let paragraph = "Records are kept with care, retained only as long as needed, and then destroyed securely. ".repeat(20);
    for i in 0..pages {
        let text = format!(
            "+++\ntitle = \"Page {i}\"\n+++\n\nversion-{version}\n\n## Part\n\n{paragraph}\n"
        );
        fs::write(root.join(format!("content/page-{i}.md")), text).unwrap();
    }
}

/// The set of versions found across all pages of the output.
fn versions_in(output: &Path, pages: usize) -> Vec<u32> {
    let mut versions: Vec<u32> = (0..pages)
        .map(|i| {
            let html =
                fs::read_to_string(output.join(format!("page-{i}/index.html"))).unwrap_or_default();
            if html.contains("version-1") {
                1
            } else if html.contains("version-2") {
                2
            } else {
                0
            }
        })
        .collect();
    versions.sort_unstable();
    versions.dedup();
    versions
}

#[test]
fn sigkill_at_any_moment_leaves_old_or_new_site() {
    let pages = 600;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let output = root.join("public");
    write_site(root, 1, pages);
    assert!(build(root).status().unwrap().success());
    write_site(root, 2, pages);

    let started = Instant::now();
    assert!(
        build(root)
            .arg("-o")
            .arg(root.join("probe"))
            .status()
            .unwrap()
            .success()
    );
    let full = started.elapsed();
    fs::remove_dir_all(root.join("probe")).unwrap();
    write_site(root, 1, pages);
    assert!(build(root).status().unwrap().success());
    write_site(root, 2, pages);

    for step in 0..10u32 {
        let mut child = build(root).spawn().unwrap();
        std::thread::sleep(full * step / 10);
        let _ = child.kill();
        let _ = child.wait();
        let found = versions_in(&output, pages);
        assert!(
            found == [1] || found == [2],
            "step {step}: output mixes or lacks versions: {found:?}"
        );
        assert!(
            output.join(".chapterhouse-output").is_file(),
            "step {step}: the output lost its mark"
        );
        if found == [2] {
            // Reset so later steps kill a build that has work to do.
            write_site(root, 1, pages);
            assert!(build(root).status().unwrap().success());
            write_site(root, 2, pages);
        }
    }
    // A later build cleans up the staging folders of killed builds.
    assert!(build(root).status().unwrap().success());
    let leftovers: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("chapterhouse-") && !n.ends_with("chapterhouse-previous"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn output_folders_holding_the_sources_are_always_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    write_site(&root, 1, 1);
    for target in [".", "..", "content", "content/out"] {
        for force in [false, true] {
            let mut cmd = build(&root);
            cmd.arg("-o").arg(target);
            if force {
                cmd.arg("--force");
            }
            let out = cmd.output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(1),
                "-o {target} force={force}: {stderr}"
            );
            assert!(
                stderr.contains("refusing to build into"),
                "-o {target}: {stderr}"
            );
        }
    }
    assert!(root.join("content/page-0.md").is_file());
    assert!(root.join("data/site.toml").is_file());
}
