//! `chapterhouse init DIR [--ci github|gitlab|none]`: a new site from the starter, and the CI
//! files that check, build and deploy it.

use std::path::PathBuf;
use std::process::ExitCode;

use chapterhouse::{scaffold, scaffold_ci};

use super::failed;

#[derive(clap::Args)]
pub struct Args {
    dir: PathBuf,
    /// Write CI files that check, build and deploy the site: GitHub Actions to GitHub Pages,
    /// GitLab CI to GitLab Pages, or none.
    #[arg(long, value_enum, default_value = "none")]
    ci: Ci,
    /// The chapterhouse Git repository the CI files install chapterhouse from.
    #[arg(long, default_value = scaffold_ci::DEFAULT_INSTALL_FROM)]
    install_from: String,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Ci {
    Github,
    Gitlab,
    None,
}

impl From<Ci> for scaffold_ci::Provider {
    fn from(ci: Ci) -> Self {
        match ci {
            Ci::Github => scaffold_ci::Provider::Github,
            Ci::Gitlab => scaffold_ci::Provider::Gitlab,
            Ci::None => scaffold_ci::Provider::None,
        }
    }
}

pub fn run(args: Args) -> ExitCode {
    let result = scaffold_ci::check_install_from(&args.install_from)
        .and_then(|()| scaffold::init(&args.dir))
        .and_then(|mut files| {
            let ci = scaffold_ci::write(&args.dir, args.ci.into(), &args.install_from)?;
            files.extend(ci);
            Ok(files)
        });
    match result {
        Ok(files) => {
            println!(
                "Created a new site in {} ({} files). Build it with:",
                args.dir.display(),
                files.len()
            );
            println!("  chapterhouse build --root {}", args.dir.display());
            if !matches!(args.ci, Ci::None)
                && args.install_from == scaffold_ci::DEFAULT_INSTALL_FROM
            {
                println!(
                    "The CI files install chapterhouse from {}: set CHAPTERHOUSE_GIT in them to your chapterhouse repository (or pass --install-from).",
                    scaffold_ci::DEFAULT_INSTALL_FROM
                );
            }
            ExitCode::SUCCESS
        }
        Err(d) => failed(d.into(), "Init failed", "nothing was created"),
    }
}
