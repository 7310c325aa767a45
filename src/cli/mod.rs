//! What every command shares: the site and output arguments, reading `--now`, and printing
//! diagnostics with one closing line and the exit code (0 success, 1 content errors, 2 usage).

pub mod build;
pub mod chapters;
pub mod check;
pub mod init;
pub mod new;
pub mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use chapterhouse::clock;
use chapterhouse::config::BaseUrl;
use chapterhouse::diagnostics::Diagnostics;
use chapterhouse::model::ChapterSlug;
use chapterhouse::plan::PlanOptions;

/// Where the site is and which build of it: the arguments every site command shares.
#[derive(clap::Args)]
pub struct SiteArgs {
    /// The site's root folder.
    #[arg(short, long, default_value = ".")]
    pub root: PathBuf,
    /// Include pages marked `draft = true`.
    #[arg(long)]
    drafts: bool,
    /// The time the build happens at (RFC 3339), for expiry and upcoming meetings.
    #[arg(long)]
    now: Option<String>,
}

impl SiteArgs {
    /// The plan these arguments ask for; a bad `--now` is a usage error (exit 2).
    pub fn plan(
        &self,
        chapter: Option<ChapterSlug>,
        base_url: Option<BaseUrl>,
    ) -> Result<PlanOptions, ExitCode> {
        Ok(PlanOptions {
            drafts: self.drafts,
            chapter,
            base_url,
            now: now_from(self.now.as_deref())?,
        })
    }
}

#[derive(clap::Args)]
pub struct OutputArgs {
    /// Where to write the site (relative paths are below the root).
    #[arg(
        short,
        long = "output-dir",
        visible_alias = "output",
        default_value = "public"
    )]
    pub output_dir: PathBuf,
}

pub fn parse_base_url(s: &str) -> Result<BaseUrl, String> {
    BaseUrl::parse(s)
}

pub fn parse_chapter(s: &str) -> Result<ChapterSlug, String> {
    ChapterSlug::parse(s)
}

pub fn report(diagnostics: &Diagnostics) {
    if !diagnostics.is_empty() {
        eprint!("{diagnostics}");
    }
}

/// Prints every diagnostic and one closing line (`Build failed: 2 errors; nothing was written.`).
pub fn failed(diagnostics: Diagnostics, what: &str, outcome: &str) -> ExitCode {
    let diagnostics = diagnostics.sorted();
    report(&diagnostics);
    let errors = diagnostics.error_count();
    eprintln!(
        "{what}: {errors} error{}; {outcome}.",
        if errors == 1 { "" } else { "s" }
    );
    ExitCode::from(1)
}

/// "Now": `--now`, else `SOURCE_DATE_EPOCH`, else the clock; a bad value is a usage error.
pub fn now_from(flag: Option<&str>) -> Result<jiff::Timestamp, ExitCode> {
    clock::resolve(flag, std::env::var("SOURCE_DATE_EPOCH").ok().as_deref())
        .map_err(|message| usage_error(&message))
}

pub fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
