//! `chapterhouse new chapter SLUG` and `new notice "TITLE"`: scaffolded files.

use std::path::PathBuf;
use std::process::ExitCode;

use chapterhouse::scaffold;
use clap::Subcommand;

use super::{failed, now_from};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: NewCommand,
    #[arg(short, long, default_value = ".", global = true)]
    root: PathBuf,
}

#[derive(Subcommand)]
enum NewCommand {
    /// data/chapters/SLUG.toml and a first chapter page.
    Chapter { slug: String },
    /// A notice dated today, for the organisation or one chapter.
    Notice {
        title: String,
        #[arg(long)]
        chapter: Option<String>,
    },
}

pub fn run(args: Args) -> ExitCode {
    let result = match args.what {
        NewCommand::Chapter { slug } => scaffold::new_chapter(&args.root, &slug),
        NewCommand::Notice { title, chapter } => {
            let today = match now_from(None) {
                Ok(now) => now.to_zoned(jiff::tz::TimeZone::UTC).date(),
                Err(code) => return code,
            };
            scaffold::new_notice(&args.root, &title, chapter.as_deref(), today).map(|p| vec![p])
        }
    };
    match result {
        Ok(files) => {
            for file in files {
                println!("Created {}", file.display());
            }
            ExitCode::SUCCESS
        }
        Err(d) => failed(d.into(), "Failed", "nothing was created"),
    }
}
