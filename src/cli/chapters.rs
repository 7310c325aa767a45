//! `chapterhouse chapters [--standalone] [--json]`: the site's chapters, one slug a line or a
//! JSON array, for scripts and CI (the matrix of per-chapter builds `init --ci` writes).

use std::path::PathBuf;
use std::process::ExitCode;

use super::failed;

#[derive(clap::Args)]
pub struct Args {
    /// The site's root folder.
    #[arg(short, long, default_value = ".")]
    root: PathBuf,
    /// Only the chapters that have their own `site_url` (built with `build --chapter`).
    #[arg(long)]
    standalone: bool,
    /// Print a JSON array of slugs instead of one slug a line.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> ExitCode {
    let sources = match chapterhouse::source::read_tree(&args.root) {
        Ok(sources) => sources,
        Err(diagnostics) => return failed(diagnostics, "Listing failed", "nothing was listed"),
    };
    let (site, diagnostics) = chapterhouse::load::load(&sources);
    let Some(site) = site else {
        return failed(diagnostics, "Listing failed", "nothing was listed");
    };
    let slugs: Vec<&str> = site
        .chapters
        .iter()
        .filter(|(_, chapter)| !args.standalone || chapter.data.site_url.is_some())
        .map(|(slug, _)| slug.as_str())
        .collect();
    if args.json {
        println!("{}", serde_json::Value::from(slugs));
    } else {
        for slug in slugs {
            println!("{slug}");
        }
    }
    ExitCode::SUCCESS
}
