//! Generates a deterministic synthetic institute for benchmarks:
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --chapters 200 --pages 50 OUT
//! ```
//!
//! OUT gets data/site.toml, one data file per chapter, and `chapters × pages` markdown pages of
//! about 600 words each (headings, lists, links, a table, emphasis), plus a few organisation
//! pages, two notices per chapter (one current, one expired into the archive), ten
//! organisation notices, the starter privacy, cookie and ethics data and the example site's
//! three data-processing schedules. The same arguments always give the same bytes.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

const WORDS: &[&str] = &[
    "records",
    "retention",
    "archive",
    "schedule",
    "member",
    "chapter",
    "policy",
    "register",
    "audit",
    "evidence",
    "classification",
    "disposal",
    "metadata",
    "custody",
    "integrity",
    "access",
    "appraisal",
    "digital",
    "preservation",
    "governance",
    "privacy",
    "consent",
    "processing",
    "steward",
    "ledger",
    "catalogue",
    "review",
    "transfer",
    "secure",
    "office",
    "meeting",
    "minutes",
    "training",
    "standard",
    "practice",
    "guidance",
    "annual",
    "report",
    "volunteer",
    "committee",
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "for",
    "with",
    "on",
    "is",
    "are",
    "by",
    "as",
    "from",
    "each",
];

const ZONES: &[(&str, &str, &str, &str)] = &[
    ("United Kingdom", "Europe", "Europe/London", "en"),
    ("France", "Europe", "Europe/Paris", "fr"),
    ("Ireland", "Europe", "Europe/Dublin", "en"),
    ("Canada", "North America", "America/Toronto", "en"),
    ("Germany", "Europe", "Europe/Berlin", "en"),
    ("Australia", "Oceania", "Australia/Sydney", "en"),
];

/// A small deterministic generator (xorshift), so corpora are reproducible without a crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn words(&mut self, n: usize) -> String {
        let mut s = String::new();
        for i in 0..n {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(WORDS[self.below(WORDS.len())]);
        }
        s
    }
}

fn main() {
    let mut chapters = 10usize;
    let mut pages = 10usize;
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--chapters" => {
                chapters = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            "--pages" => {
                pages = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            _ if out.is_none() && !arg.starts_with('-') => out = Some(PathBuf::from(arg)),
            _ => usage(),
        }
    }
    let out = out.unwrap_or_else(|| usage());
    if let Err(e) = generate(&out, chapters, pages) {
        eprintln!("gen_corpus: {e}");
        std::process::exit(1);
    }
    println!(
        "Generated {} chapters with {} pages each in {}",
        chapters,
        pages,
        out.display()
    );
}

fn usage() -> ! {
    eprintln!("usage: gen_corpus [--chapters N] [--pages N] OUT");
    std::process::exit(2)
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)
}

/// The example's schedule rows against the starter policy: each serves its one purpose and
/// names no recipient (the starter lists none), so the corpus builds.
fn against_starter_policy(schedule: &str) -> String {
    let mut text = String::new();
    for line in schedule.lines() {
        text.push_str(if line.starts_with("serves = ") {
            "serves = \"membership\""
        } else if line.starts_with("recipients = ") {
            "recipients = []"
        } else {
            line
        });
        text.push('\n');
    }
    text
}

fn generate(out: &Path, chapters: usize, pages: usize) -> std::io::Result<()> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    write(
        &out.join("data/site.toml"),
        "title = \"Synthetic Institute\"\nbase_url = \"https://bench.example/\"\n\n[controller]\nname = \"Synthetic Institute\"\naddress = \"1 Bench Street\"\nemail = \"privacy@bench.example\"\n",
    )?;
    // Every site carries the legal pages; the starter data is enough for a benchmark.
    for (path, text) in chapterhouse::scaffold::STARTER_LEGAL {
        write(&out.join(path), text)?;
    }
    // The example institute's schedules: 32 rows from the reference documents.
    for (name, text) in [
        (
            "membership",
            include_str!("../data/schedules/membership.toml"),
        ),
        (
            "accreditation",
            include_str!("../data/schedules/accreditation.toml"),
        ),
        ("training", include_str!("../data/schedules/training.toml")),
    ] {
        write(
            &out.join(format!("data/schedules/{name}.toml")),
            &against_starter_policy(text),
        )?;
    }
    for i in 0..10 {
        write(
            &out.join(format!(
                "content/notices/2026-09-{:02}-institute-news-{i}.md",
                i + 1
            )),
            &format!(
                "+++\ntitle = \"Institute news {i}\"\ndate = 2026-09-{:02}\nsummary = \"{}.\"\n+++\n\n{}. See [about](@/about.md).\n",
                i + 1,
                capitalise(&rng.words(12)),
                capitalise(&rng.words(60))
            ),
        )?;
    }
    write(
        &out.join("content/_index.md"),
        "+++\ntitle = \"Synthetic Institute\"\n+++\n\nA generated site for benchmarks. See [about](@/about.md).\n",
    )?;
    write(
        &out.join("content/about.md"),
        &format!(
            "+++\ntitle = \"About\"\n+++\n\n{}\n",
            page_body(&mut rng, None, 0, 1)
        ),
    )?;
    for c in 0..chapters {
        let slug = format!("chapter-{c:04}");
        let (country, region, zone, language) = ZONES[c % ZONES.len()];
        let data = format!(
            "name = \"Chapter {c}\"\ncountry = \"{country}\"\nregion = \"{region}\"\nlanguage = \"{language}\"\ntimezone = \"{zone}\"\ndescription = \"\"\"\nThe chapter {c} meets monthly. Read [page 0](@/chapters/{slug}/page-0000.md).\n\"\"\"\n\n[contact]\nemail = \"{slug}@bench.example\"\n\n[[officers]]\nname = \"Officer {c}\"\nrole = \"Chair\"\n\n[[meetings]]\ntitle = \"Monthly meeting\"\nfrequency = \"monthly\"\nweekday = \"tuesday\"\nweek = 2\nstart_time = \"18:30\"\nduration_minutes = 90\nlocation = \"Hall {c}\"\nstarts_on = 2026-01-13\n"
        );
        write(&out.join(format!("data/chapters/{slug}.toml")), &data)?;
        let notices = out.join(format!("content/chapters/{slug}/notices"));
        write(
            &notices.join(format!("2026-10-{:02}-{slug}-meeting-moved.md", 1 + c % 28)),
            &format!(
                "+++\ntitle = \"Meeting moved\"\ndate = 2026-10-{:02}\nsummary = \"{}.\"\n+++\n\n{}. Read [page 0](@/chapters/{slug}/page-0000.md).\n",
                1 + c % 28,
                capitalise(&rng.words(10)),
                capitalise(&rng.words(60))
            ),
        )?;
        write(
            &notices.join(format!("2026-03-{:02}-{slug}-spring-call.md", 1 + c % 28)),
            &format!(
                "+++\ntitle = \"Spring call for papers\"\ndate = 2026-03-{:02}\nexpires = 2026-04-30\nsummary = \"{}.\"\n+++\n\n{}.\n",
                1 + c % 28,
                capitalise(&rng.words(10)),
                capitalise(&rng.words(60))
            ),
        )?;
        for p in 0..pages {
            let title = format!("{} {p}", capitalise(&rng.words(3)));
            let body = page_body(&mut rng, Some(&slug), p, pages);
            write(
                &out.join(format!("content/chapters/{slug}/page-{p:04}.md")),
                &format!(
                    "+++\ntitle = \"{title}\"\ndate = 2026-{:02}-{:02}\nweight = {p}\n+++\n\n{body}",
                    1 + p % 12,
                    1 + p % 28
                ),
            )?;
        }
    }
    Ok(())
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// About 600 words: sections with paragraphs, a list, a table, emphasis and internal links.
fn page_body(rng: &mut Rng, chapter: Option<&str>, index: usize, pages: usize) -> String {
    let mut body = String::new();
    for section in 0..4 {
        let _ = writeln!(body, "## {}\n", capitalise(&rng.words(4)));
        for _ in 0..2 {
            let _ = writeln!(
                body,
                "{} *{}* {} **{}** {}.\n",
                capitalise(&rng.words(25)),
                rng.words(2),
                rng.words(20),
                rng.words(2),
                rng.words(10)
            );
        }
        match section {
            0 => {
                for _ in 0..4 {
                    let _ = writeln!(body, "- {}", rng.words(8));
                }
                body.push('\n');
            }
            1 => {
                body.push_str("| Function | Retention | Owner |\n|---|---|---|\n");
                for _ in 0..3 {
                    let _ = writeln!(
                        body,
                        "| {} | {} years | {} |",
                        rng.words(2),
                        1 + rng.below(9),
                        rng.words(1)
                    );
                }
                body.push('\n');
            }
            2 => {
                let target = match chapter {
                    Some(slug) => format!(
                        "@/chapters/{slug}/page-{:04}.md",
                        (index + 1) % pages.max(1)
                    ),
                    None => "@/about.md".to_string(),
                };
                let _ = writeln!(
                    body,
                    "Read the [{}]({target}) and the [institute](@/about.md).\n",
                    rng.words(3)
                );
            }
            _ => {}
        }
    }
    body
}
