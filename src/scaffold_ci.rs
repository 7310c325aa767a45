//! `init --ci github|gitlab|none`: the CI files that check, build and deploy a new site.
//!
//! GitHub Actions deploys to GitHub Pages, GitLab CI to GitLab Pages. Both install
//! chapterhouse from its repository (`cargo install --locked`, cached), run `chapterhouse
//! check` before anything deploys, and build every chapter that has its own `site_url` as
//! its own site in a job per chapter. The list of those chapters is asked of `chapterhouse
//! chapters --standalone --json` when the pipeline runs, so a chapter added later gets its
//! job without editing the CI file. Like every scaffold, nothing is overwritten.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// Which CI provider `init` writes files for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Github,
    Gitlab,
    None,
}

/// The repository CI installs chapterhouse from when `init` is not told another one.
pub const DEFAULT_INSTALL_FROM: &str = "https://git.example.org/chapterhouse.git";

/// The placeholder in the templates for the repository chapterhouse is installed from.
const INSTALL_FROM: &str = "@INSTALL_FROM@";

const GITHUB_WORKFLOW: &str = include_str!("scaffold_ci/github.yml");
const GITLAB_CI: &str = include_str!("scaffold_ci/gitlab.yml");
const GITLAB_CHAPTER: &str = include_str!("scaffold_ci/gitlab-chapter.yml");

/// The files a provider's CI is made of: (path below the site, text).
pub fn files(provider: Provider, install_from: &str) -> Vec<(&'static str, String)> {
    let fill = |template: &str| template.replace(INSTALL_FROM, install_from);
    match provider {
        Provider::Github => vec![(".github/workflows/site.yml", fill(GITHUB_WORKFLOW))],
        Provider::Gitlab => vec![
            (".gitlab-ci.yml", fill(GITLAB_CI)),
            (".gitlab/chapter-site.yml", fill(GITLAB_CHAPTER)),
        ],
        Provider::None => Vec::new(),
    }
}

/// Writes the CI files of `provider` below `root`; refuses to overwrite any of them.
pub fn write(
    root: &Path,
    provider: Provider,
    install_from: &str,
) -> Result<Vec<PathBuf>, Diagnostic> {
    check_install_from(install_from)?;
    let files = files(provider, install_from);
    for (path, _) in &files {
        if root.join(path).exists() {
            return Err(Diagnostic::error(format!(
                "`{}` already exists",
                root.join(path).display()
            ))
            .hint("scaffolds never overwrite; edit the file instead"));
        }
    }
    let mut written = Vec::new();
    for (path, text) in files {
        let full = root.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Diagnostic::error(format!("cannot create `{}`: {e}", parent.display()))
            })?;
        }
        std::fs::write(&full, text)
            .map_err(|e| Diagnostic::error(format!("cannot write `{}`: {e}", full.display())))?;
        written.push(full);
    }
    Ok(written)
}

/// Refuses a repository URL that cannot be written into a CI file (checked before `init`
/// writes anything).
pub fn check_install_from(install_from: &str) -> Result<(), Diagnostic> {
    match unusable_url(install_from) {
        None => Ok(()),
        Some(problem) => Err(Diagnostic::error(format!(
            "`--install-from {install_from}` {problem}"
        ))
        .hint("give the URL of the chapterhouse Git repository, e.g. https://github.com/OWNER/chapterhouse.git")),
    }
}

/// Why a repository URL cannot be written into a CI file, if it cannot: it goes into YAML
/// and a shell command line unquoted by the reader, so only a plain URL is accepted.
fn unusable_url(url: &str) -> Option<&'static str> {
    let scheme = ["https://", "http://", "ssh://", "git@"];
    if !scheme.iter().any(|s| url.starts_with(s)) {
        return Some("is not an https://, ssh:// or git@ URL");
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || "-._~:/@%+".contains(c);
    (!url.chars().all(plain)).then_some("holds characters a URL of a repository does not")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_name_the_repository_and_check_before_deploy() {
        for provider in [Provider::Github, Provider::Gitlab] {
            let files = files(provider, "https://h.example/ch.git");
            let all: String = files.iter().map(|(_, t)| t.as_str()).collect();
            assert!(!all.contains(INSTALL_FROM), "{provider:?}");
            assert!(all.contains("https://h.example/ch.git"), "{provider:?}");
            assert!(all.contains("chapterhouse check"), "{provider:?}");
            assert!(
                all.contains("chapterhouse chapters --standalone --json"),
                "{provider:?}"
            );
        }
        assert!(files(Provider::None, DEFAULT_INSTALL_FROM).is_empty());
    }

    #[test]
    fn a_url_that_would_break_the_yaml_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for bad in [
            "h.example/x",
            "https://h.example/x y",
            "https://h/x\"; rm",
            "",
        ] {
            let err = write(dir.path(), Provider::Github, bad).unwrap_err();
            assert!(err.message.contains("--install-from"), "{err}");
            assert!(err.hint.is_some());
        }
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
    }
}
