//! [`FolderOutput`], the writer of `build`: a staging folder beside the output, swapped in
//! with one atomic rename when the whole build succeeded; and [`up_to_date`], which decides
//! that nothing needs doing.
//!
//! Nothing already on disk is trusted: the output replaced by the last build is reused as
//! staging, and unchanged files are hard-linked from the current output, but only after
//! their bytes were compared with what this build produces, and whatever the build did not
//! produce (a hand-added file, a symlink) is removed before the swap. So the output always
//! equals a clean build.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::lock::OutputLock;
use super::marker::{self, Files, MARKER, Marker};
use super::safety::{Confined, refuse_foreign, refuse_symlinked_output};
use super::{OutputSink, content_hash, io_error};
use crate::diagnostics::Diagnostic;
use crate::model::OutputPath;

/// A build in progress into a staging folder beside the final output folder.
#[derive(Debug)]
pub struct FolderOutput {
    target: PathBuf,
    staging: PathBuf,
    /// Where the replaced output is kept until the next build reuses it.
    previous: PathBuf,
    /// The staging folder, reached without following symlinks.
    staged: Confined,
    /// The current output, the source of hard links for unchanged files.
    current: Option<Confined>,
    /// Path → (length, hash) of the files of the output being replaced, from its marker.
    old_manifest: Files,
    /// Path → (length, hash) the marker of a reused staging folder claims it holds: the
    /// output before the one being replaced. A hint only; bytes are compared before use.
    reused: Option<Files>,
    /// Path → (length, hash) of the files written so far.
    manifest: Mutex<Vec<(OutputPath, u64, u64)>>,
    /// Deletes the output replaced by the build before this one, while this one renders.
    cleanup: Option<std::thread::JoinHandle<()>>,
    /// The inputs' fingerprint line recorded in the marker (see [`up_to_date`]).
    input: Mutex<Option<String>>,
    committed: bool,
    _lock: OutputLock,
}

/// The absolute output path, its parent and its name, refusing paths that cannot be one.
fn locate(target: &Path) -> Result<(PathBuf, PathBuf, String), Diagnostic> {
    let shown = target.display().to_string();
    let absolute = std::path::absolute(target)
        .map_err(|e| Diagnostic::error(format!("cannot resolve the output path `{shown}`: {e}")))?;
    let unusable = || {
        Diagnostic::error(format!("`{shown}` cannot be an output folder"))
            .hint("choose a folder such as `public`")
    };
    let parent = absolute.parent().ok_or_else(unusable)?.to_path_buf();
    let name = absolute
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(unusable)?;
    if name == "." || name == ".." || name.chars().any(char::is_control) {
        return Err(unusable());
    }
    let name = name.to_string();
    Ok((absolute, parent, name))
}

impl FolderOutput {
    /// Prepares to replace `target`. Refuses a non-empty folder that is not earlier output,
    /// since replacing it would delete someone's files, unless `force`; refuses a symlink
    /// and an output another chapterhouse process is writing.
    pub fn begin(target: &Path, force: bool) -> Result<Self, Diagnostic> {
        let (absolute, parent, name) = locate(target)?;
        refuse_symlinked_output(&absolute)?;
        let lock = OutputLock::acquire(&absolute)?;
        let marker = Marker::read(&absolute);
        refuse_foreign(&absolute, marker.exists(), Some(force))?;
        let old_manifest = marker.into_manifest().files;
        remove_abandoned_staging(&parent, &name);
        let pid = std::process::id();
        let staging = parent.join(format!(".{name}.chapterhouse-{pid}"));
        // `remove_dir_all` removes a symlink itself, never what it points to.
        let _ = fs::remove_dir_all(&staging);
        let previous = parent.join(format!(".{name}.chapterhouse-previous"));
        let cannot = |e: io::Error| io_error(&staging.display().to_string(), &e);
        // The output the last build replaced becomes this build's staging folder: files it
        // already holds with the right bytes stay, others are written over in place, so a
        // rebuild makes and frees few inodes and directories. (On ext4 without a journal,
        // every inode freed in the last minute slows each new allocation.)
        let reused = reusable(&previous).filter(|_| fs::rename(&previous, &staging).is_ok());
        let mut cleanup = None;
        if reused.is_none() {
            fs::create_dir(&staging).map_err(cannot)?;
            let trash = parent.join(format!(".{name}.chapterhouse-trash-{pid}"));
            cleanup = fs::rename(&previous, &trash).is_ok().then(|| {
                std::thread::spawn(move || {
                    let _ = fs::remove_dir_all(trash);
                })
            });
        }
        Ok(FolderOutput {
            staged: Confined::open(&staging).map_err(cannot)?,
            current: Confined::open(&absolute).ok(),
            target: absolute,
            staging,
            previous,
            old_manifest,
            reused,
            manifest: Mutex::new(Vec::new()),
            cleanup,
            input: Mutex::new(None),
            committed: false,
            _lock: lock,
        })
    }

    /// Records the fingerprint of the inputs and what they produced (`<hash> <pages> <files>`).
    pub fn record_input(&self, line: String) {
        *self.input.lock().unwrap_or_else(|e| e.into_inner()) = Some(line);
    }

    /// Swaps the staged folder in as the output. The replaced output is kept beside it (as
    /// `.<name>.chapterhouse-previous`) and reused by the next build.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        let files: Files =
            std::mem::take(&mut *self.manifest.lock().unwrap_or_else(|e| e.into_inner()))
                .into_iter()
                .map(|(path, len, hash)| (path, (len, hash)))
                .collect();
        let staging_shown = self.staging.display().to_string();
        if self.reused.is_some() {
            // Whatever a reused folder holds that this build did not produce goes: stale
            // files, and anything added by hand (symlinks included, as names).
            let produced: HashSet<&str> = files.keys().map(OutputPath::as_str).collect();
            self.staged
                .sweep(&|path| produced.contains(path))
                .map_err(|e| io_error(&staging_shown, &e))?;
        }
        let input = self.input.lock().unwrap_or_else(|e| e.into_inner()).take();
        marker::write(&self.staged, &files, input.as_deref())
            .map_err(|e| io_error(&staging_shown, &e))?;
        if let Some(cleanup) = self.cleanup.take() {
            let _ = cleanup.join();
        }
        let shown = self.target.display().to_string();
        refuse_symlinked_output(&self.target)?;
        if fs::symlink_metadata(&self.target).is_ok() {
            swap(&self.staging, &self.target).map_err(|e| io_error(&shown, &e))?;
            // The staging path now holds the replaced output.
            if fs::rename(&self.staging, &self.previous).is_err() {
                let _ = fs::remove_dir_all(&self.staging);
            }
        } else {
            fs::rename(&self.staging, &self.target).map_err(|e| io_error(&shown, &e))?;
        }
        self.committed = true;
        Ok(())
    }
}

/// The manifest of the replaced output kept at `previous`, if it can be reused as staging:
/// a real folder (not a symlink) with a valid marker listing files.
fn reusable(previous: &Path) -> Option<Files> {
    let meta = fs::symlink_metadata(previous).ok()?;
    if !meta.is_dir() {
        return None;
    }
    match Marker::read(previous) {
        Marker::Valid(manifest) if !manifest.files.is_empty() => Some(manifest.files),
        _ => None,
    }
}

impl OutputSink for FolderOutput {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let path = checked_path(path)?;
        let (len, hash) = (bytes.len() as u64, content_hash(bytes));
        match self.reused.as_ref().and_then(|r| r.get(&path)) {
            // The reused staging folder claims these bytes: kept if it really holds them.
            Some(held) if *held == (len, hash) && self.staged.holds(&path, bytes) => {}
            // Written over in place; a file shared with the current output by hard link
            // is replaced instead, so the output being served never changes.
            Some(_) => self.staged.write(&path, bytes, true)?,
            // A rebuild mostly reproduces the same bytes: linking the current file is far
            // cheaper than writing it again, and the current output is never modified.
            None if self.old_manifest.get(&path) == Some(&(len, hash))
                && self
                    .current
                    .as_ref()
                    .is_some_and(|current| self.staged.link_from(current, &path, bytes)) => {}
            None => self.staged.write(&path, bytes, true)?,
        }
        self.manifest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path, len, hash));
        Ok(())
    }
}

/// An output path from a renderer, refused unless plain and relative (and not the marker).
pub(super) fn checked_path(path: &str) -> io::Result<OutputPath> {
    let invalid = |m: String| io::Error::new(io::ErrorKind::InvalidInput, m);
    let path = OutputPath::parse(path).map_err(|m| invalid(format!("unsafe output path: {m}")))?;
    if path.as_str() == MARKER {
        return Err(invalid(format!("`{MARKER}` is chapterhouse's own file")));
    }
    Ok(path)
}

impl Drop for FolderOutput {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
        if let Some(cleanup) = self.cleanup.take() {
            let _ = cleanup.join();
        }
    }
}

/// If `target` was built from inputs with this fingerprint and holds exactly the files its
/// marker lists, each with the bytes it lists (hashed, not trusted by size or time), returns
/// (pages, files) of that build: nothing needs doing. Staging folders of killed builds are
/// removed either way.
pub fn up_to_date(target: &Path, fingerprint: &str) -> Option<(usize, usize)> {
    let (absolute, parent, name) = locate(target).ok()?;
    let meta = fs::symlink_metadata(&absolute).ok()?;
    if !meta.is_dir() {
        return None;
    }
    let manifest = Marker::read(&absolute).into_manifest();
    let input = manifest.input.as_ref()?;
    if input.fingerprint != fingerprint || manifest.files.len() != input.files {
        return None;
    }
    // Another writer at work: let `begin` say so.
    let _lock = OutputLock::try_acquire(&absolute)?;
    remove_abandoned_staging(&parent, &name);
    let root = Confined::open(&absolute).ok()?;
    let intact = {
        use rayon::prelude::*;
        manifest.files.par_iter().all(|(path, listed)| {
            root.read(path)
                .is_some_and(|bytes| (bytes.len() as u64, content_hash(&bytes)) == *listed)
        })
    };
    (intact && holds_nothing_else(&absolute, &manifest.files)).then_some((input.pages, input.files))
}

/// Whether the folder holds only the listed files (and the marker), no symlink or extra.
fn holds_nothing_else(root: &Path, files: &Files) -> bool {
    let listed: HashSet<&str> = files.keys().map(OutputPath::as_str).collect();
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .all(|entry| {
            entry.is_ok_and(|entry| {
                if entry.file_type().is_dir() {
                    return true;
                }
                let relative = entry.path().strip_prefix(root).ok().and_then(Path::to_str);
                entry.file_type().is_file()
                    && relative.is_some_and(|p| p == MARKER || listed.contains(p))
            })
        })
}

/// Removes the staging and trash folders of builds that were killed. Called only with the
/// lock held, so no other process is using any of them (whatever process now has its pid).
fn remove_abandoned_staging(parent: &Path, name: &str) {
    let prefix = format!(".{name}.chapterhouse-");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let rest = file_name
            .strip_prefix(&prefix)
            .map(|r| r.strip_prefix("trash-").unwrap_or(r));
        if rest.is_some_and(|pid| pid.parse::<u32>().is_ok()) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(target_os = "linux")]
fn swap(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn swap(a: &Path, b: &Path) -> io::Result<()> {
    // Without an atomic exchange, move the old output aside first; the gap is two renames.
    let aside = a.with_extension("old");
    fs::rename(b, &aside)?;
    fs::rename(a, b)?;
    fs::rename(&aside, a)
}
