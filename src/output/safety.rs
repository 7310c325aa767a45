//! What keeps the writer inside the output folder: the refusal of output folders that would
//! destroy the sources, and [`Confined`], the only way `output` touches files below a root.
//!
//! Every operation goes through folder handles opened with `O_NOFOLLOW` from the root down
//! (`openat`, `unlinkat`, `linkat`, `renameat`), so a symbolic link anywhere below the root
//! (planted by hand, or by an earlier tool) is removed as a name, never followed: no write,
//! removal or hard link ever reaches outside the root, whatever the folder contains.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rustix::fs::{AtFlags, CWD, FileType, Mode, OFlags};
use rustix::io::Errno;

use super::io_error;
use crate::diagnostics::Diagnostic;
use crate::model::OutputPath;

const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

/// A real folder (not a symlink) opened once; every path below it is reached without
/// following symlinks.
#[derive(Debug)]
pub(super) struct Confined {
    fd: OwnedFd,
}

impl Confined {
    /// Opens `root`, which must be a folder and not a symbolic link.
    pub(super) fn open(root: &Path) -> io::Result<Self> {
        let fd = rustix::fs::openat(CWD, root, DIR_FLAGS, Mode::empty())?;
        Ok(Confined { fd })
    }

    /// The folders holding `path`, outermost first (the root is not included). With
    /// `create`, missing folders are made and a file or symlink standing where a folder
    /// goes is removed (only the name: a symlink's target is never touched).
    fn folders(&self, path: &OutputPath, create: bool) -> io::Result<Vec<OwnedFd>> {
        let segments: Vec<&str> = path.segments().collect();
        let mut chain: Vec<OwnedFd> = Vec::with_capacity(segments.len());
        for segment in &segments[..segments.len() - 1] {
            let dir = chain.last().map_or(self.fd.as_fd(), |d| d.as_fd());
            let opened = match rustix::fs::openat(dir, *segment, DIR_FLAGS, Mode::empty()) {
                Err(Errno::NOENT) if create => {
                    make_dir(dir, segment)?;
                    rustix::fs::openat(dir, *segment, DIR_FLAGS, Mode::empty())?
                }
                Err(Errno::NOTDIR | Errno::LOOP) if create => {
                    rustix::fs::unlinkat(dir, *segment, AtFlags::empty())?;
                    make_dir(dir, segment)?;
                    rustix::fs::openat(dir, *segment, DIR_FLAGS, Mode::empty())?
                }
                other => other?,
            };
            chain.push(opened);
        }
        Ok(chain)
    }

    /// Writes `bytes` at `path`, replacing whatever stands there (a stale folder's whole
    /// tree, a symlink's name). With `in_place`, an existing file with no other hard link is
    /// written over and cut to length (no inode made or freed); otherwise, and always for
    /// a file shared by hard link, a new file is renamed over the old name, so other names
    /// keep their bytes.
    pub(super) fn write(&self, path: &OutputPath, bytes: &[u8], in_place: bool) -> io::Result<()> {
        let chain = self.folders(path, true)?;
        let dir = chain.last().map_or(self.fd.as_fd(), |d| d.as_fd());
        let name = last_segment(path);
        match create_new(dir, name) {
            Ok(mut file) => return file.write_all(bytes),
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
            Err(_) => {}
        }
        let stat = rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)?;
        match FileType::from_raw_mode(stat.st_mode) {
            FileType::Directory => {
                remove_tree(dir, name)?;
                return create_new(dir, name)?.write_all(bytes);
            }
            FileType::RegularFile if in_place && stat.st_nlink == 1 => {
                let flags = OFlags::WRONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
                let mut file = File::from(rustix::fs::openat(dir, name, flags, Mode::empty())?);
                file.write_all(bytes)?;
                return file.set_len(bytes.len() as u64);
            }
            _ => {}
        }
        // A new file renamed over the name: a symlink is replaced, not written through.
        let temporary = temporary_name();
        let written = create_new(dir, &temporary).and_then(|mut f| f.write_all(bytes));
        let renamed = written.and_then(|()| Ok(rustix::fs::renameat(dir, &temporary, dir, name)?));
        if renamed.is_err() {
            let _ = rustix::fs::unlinkat(dir, &temporary, AtFlags::empty());
        }
        renamed
    }

    /// The bytes of the regular file at `path`; `None` if it is missing, a symlink, a
    /// folder, or below a symlink.
    pub(super) fn read(&self, path: &OutputPath) -> Option<Vec<u8>> {
        let chain = self.folders(path, false).ok()?;
        let dir = chain.last().map_or(self.fd.as_fd(), |d| d.as_fd());
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(dir, last_segment(path), flags, Mode::empty()).ok()?;
        let stat = rustix::fs::fstat(&fd).ok()?;
        if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
            return None;
        }
        let mut bytes = Vec::with_capacity(stat.st_size.max(0) as usize);
        File::from(fd).read_to_end(&mut bytes).ok()?;
        Some(bytes)
    }

    /// Whether `path` is a regular file (not a symlink, not below one).
    pub(super) fn is_file(&self, path: &OutputPath) -> bool {
        let Ok(chain) = self.folders(path, false) else {
            return false;
        };
        let dir = chain.last().map_or(self.fd.as_fd(), |d| d.as_fd());
        rustix::fs::statat(dir, last_segment(path), AtFlags::SYMLINK_NOFOLLOW)
            .is_ok_and(|s| FileType::from_raw_mode(s.st_mode) == FileType::RegularFile)
    }

    /// Whether the regular file at `path` (not a symlink) holds exactly `bytes`.
    pub(super) fn holds(&self, path: &OutputPath, bytes: &[u8]) -> bool {
        self.read(path).is_some_and(|held| held == bytes)
    }

    /// Makes `path` below `self` a hard link to `path` below `from`, if that is a regular
    /// file holding exactly `bytes` (a hand-edited file is never carried over).
    pub(super) fn link_from(&self, from: &Confined, path: &OutputPath, bytes: &[u8]) -> bool {
        if !from.holds(path, bytes) {
            return false;
        }
        let (Ok(source), Ok(target)) = (from.folders(path, false), self.folders(path, true)) else {
            return false;
        };
        let name = last_segment(path);
        let source_dir = source.last().map_or(from.fd.as_fd(), |d| d.as_fd());
        let target_dir = target.last().map_or(self.fd.as_fd(), |d| d.as_fd());
        // Flags empty: `linkat` links the name itself and never follows a symlink.
        rustix::fs::linkat(source_dir, name, target_dir, name, AtFlags::empty()).is_ok()
    }

    /// Removes the file (or symlink, or folder tree) at `path` and the folders it leaves
    /// empty. Nothing happens when a folder on the way is a symlink or missing.
    pub(super) fn remove(&self, path: &OutputPath) {
        let Ok(chain) = self.folders(path, false) else {
            return;
        };
        let dir = chain.last().map_or(self.fd.as_fd(), |d| d.as_fd());
        if remove_tree(dir, last_segment(path)).is_err() {
            return;
        }
        let segments: Vec<&str> = path.segments().collect();
        for level in (0..chain.len()).rev() {
            let parent = if level == 0 {
                self.fd.as_fd()
            } else {
                chain[level - 1].as_fd()
            };
            if rustix::fs::unlinkat(parent, segments[level], AtFlags::REMOVEDIR).is_err() {
                break;
            }
        }
    }

    /// Removes everything below the root for which `keep` is false (given the `/`-joined
    /// path; a name that is not UTF-8 is never kept), and folders left empty. Symlinks are
    /// removed as names; nothing is followed.
    pub(super) fn sweep(&self, keep: &dyn Fn(&str) -> bool) -> io::Result<()> {
        sweep_dir(self.fd.as_fd(), "", keep).map(|_| ())
    }
}

fn last_segment(path: &OutputPath) -> &str {
    path.segments().last().unwrap_or(path.as_str())
}

fn make_dir(dir: BorrowedFd<'_>, name: &str) -> io::Result<()> {
    match rustix::fs::mkdirat(dir, name, Mode::from_raw_mode(0o777)) {
        Ok(()) | Err(Errno::EXIST) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

fn create_new(dir: BorrowedFd<'_>, name: &str) -> io::Result<File> {
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    Ok(File::from(rustix::fs::openat(
        dir,
        name,
        flags,
        Mode::from_raw_mode(0o666),
    )?))
}

fn temporary_name() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!(".chapterhouse-tmp-{}-{n}", std::process::id())
}

/// Removes `name` in `dir`: a file or symlink by its name, a folder with all it holds.
fn remove_tree(dir: BorrowedFd<'_>, name: &str) -> io::Result<()> {
    match rustix::fs::unlinkat(dir, name, AtFlags::empty()) {
        Ok(()) | Err(Errno::NOENT) => return Ok(()),
        Err(Errno::ISDIR | Errno::PERM) => {}
        Err(e) => return Err(e.into()),
    }
    let inner = rustix::fs::openat(dir, name, DIR_FLAGS, Mode::empty())?;
    sweep_dir(inner.as_fd(), "", &|_| false)?;
    Ok(rustix::fs::unlinkat(dir, name, AtFlags::REMOVEDIR)?)
}

/// [`Confined::sweep`] below one folder; returns whether the folder is now empty.
fn sweep_dir(dir: BorrowedFd<'_>, prefix: &str, keep: &dyn Fn(&str) -> bool) -> io::Result<bool> {
    let mut empty = true;
    for entry in rustix::fs::Dir::read_from(dir)? {
        let entry = entry?;
        let raw = entry.file_name().to_bytes();
        if raw == b"." || raw == b".." {
            continue;
        }
        let name = entry.file_name().to_owned();
        let relative = std::str::from_utf8(raw)
            .ok()
            .map(|n| format!("{prefix}{n}"));
        let is_dir = match entry.file_type() {
            FileType::Unknown => rustix::fs::statat(dir, &name, AtFlags::SYMLINK_NOFOLLOW)
                .is_ok_and(|s| FileType::from_raw_mode(s.st_mode) == FileType::Directory),
            kind => kind == FileType::Directory,
        };
        if is_dir {
            let inner = rustix::fs::openat(dir, &name, DIR_FLAGS, Mode::empty())?;
            let below = relative
                .as_deref()
                .map(|r| format!("{r}/"))
                .unwrap_or_default();
            let keep_below: &dyn Fn(&str) -> bool =
                if relative.is_some() { keep } else { &|_| false };
            if sweep_dir(inner.as_fd(), &below, keep_below)? {
                rustix::fs::unlinkat(dir, &name, AtFlags::REMOVEDIR)?;
                continue;
            }
        } else if !relative.as_deref().is_some_and(keep) {
            rustix::fs::unlinkat(dir, &name, AtFlags::empty())?;
            continue;
        }
        empty = false;
    }
    Ok(empty)
}

/// Refuses an output folder that is a symbolic link: every build swaps the output folder
/// away, which would replace the link by a folder and leave its target with every other
/// build. The hint names the real folder to use instead.
pub(super) fn refuse_symlinked_output(target: &Path) -> Result<(), Diagnostic> {
    let shown = target.display();
    match fs::symlink_metadata(target) {
        Ok(meta) if meta.file_type().is_symlink() => {
            let real = fs::canonicalize(target)
                .map(|p| format!("`{}`", p.display()))
                .unwrap_or_else(|_| "the folder it points to".to_string());
            Err(Diagnostic::error(format!(
                "refusing to use `{shown}` as the output folder: it is a symbolic link"
            ))
            .hint(format!(
                "the output folder is replaced on every build, so a link would be swapped away; pass `--output-dir` {real} instead"
            )))
        }
        Ok(meta) if !meta.is_dir() => Err(Diagnostic::error(format!(
            "the output path `{shown}` is a file, not a folder"
        ))
        .hint("choose another `--output-dir`")),
        _ => Ok(()),
    }
}

/// Refuses a non-empty folder without a marker: replacing or writing into it would
/// destroy someone's files. `force` is `Some` for `build`, whose `--force` replaces it anyway,
/// and `None` for `watch`, which has no such option.
pub(super) fn refuse_foreign(
    target: &Path,
    marked: bool,
    force: Option<bool>,
) -> Result<(), Diagnostic> {
    let is_empty = fs::read_dir(target).is_ok_and(|mut d| d.next().is_none());
    if marked || is_empty || force == Some(true) || !target.exists() {
        return Ok(());
    }
    let error = Diagnostic::error(format!(
        "refusing to replace `{}`: it is not empty and was not made by chapterhouse",
        target.display()
    ));
    Err(match force {
        Some(_) => error.hint("building would delete its files; choose another `--output-dir`, or pass `--force` if it really is disposable"),
        None => error.hint("writing into it would mix the site with its files; choose another `--output-dir`"),
    })
}

/// Refuses output folders whose replacement would destroy the sources: the site root, a
/// folder containing it, or a folder inside one of its source folders. `--force` does not
/// override this.
pub fn refuse_dangerous_target(root: &Path, target: &Path) -> Result<(), Diagnostic> {
    let root = fs::canonicalize(root).map_err(|e| io_error(&root.display().to_string(), &e))?;
    let target = resolve_existing_prefix(target);
    let shown = target.display().to_string();
    if root.starts_with(&target) {
        return Err(Diagnostic::error(format!("refusing to build into `{shown}`: it holds the site's own sources"))
            .hint("the output folder is replaced on every build; choose a separate folder such as `public`"));
    }
    for folder in crate::source::SOURCE_FOLDERS {
        if target.starts_with(root.join(folder)) {
            return Err(Diagnostic::error(format!(
                "refusing to build into `{shown}`: it is inside the source folder `{folder}/`"
            ))
            .hint("choose an output folder outside content/, data/, themes/ and static/"));
        }
    }
    Ok(())
}

/// Canonicalises the longest existing ancestor of `path` and appends the rest.
fn resolve_existing_prefix(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = fs::canonicalize(existing) {
            return rest
                .iter()
                .rev()
                .fold(canonical, |acc: PathBuf, part| acc.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}
