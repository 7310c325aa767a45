//! Link problems are found by one module and located in one place: `build` names the same
//! file, line and column as `check`, every bad link of a page is reported, and a link in a
//! markdown file merged into a legal page is pinned on that file, not on the data file.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn run(command: &str, root: &Path) -> (i32, String) {
    let mut cmd = Command::cargo_bin("chapterhouse").unwrap();
    cmd.arg(command)
        .arg("--root")
        .arg(root)
        .args(["--now", "2026-11-23T12:00:00Z"]);
    if command == "build" {
        cmd.arg("--output-dir").arg(root.join("public"));
    }
    let output = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.code().unwrap_or(-1), text)
}

/// The `file:line:col: error: message` lines of a report.
fn located(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.contains(": error: "))
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

#[test]
fn build_and_check_locate_every_bad_link_alike() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    common::copy_fixture("small", site);
    fs::write(
        site.join("content/links.md"),
        "+++\ntitle = \"Links\"\n+++\n\nSee [nowhere](/nowhere/).\n\n\
         And [a gap](#) and [mail](mailto:not-an-address).\n\n\
         Also [a missing section](@/about.md#no-such-heading).\n\n\
         And [a lost page](/sub/lost/).\n",
    )
    .unwrap();
    let (build_code, build_text) = run("build", site);
    let (check_code, check_text) = run("check", site);
    assert_eq!(
        (build_code, check_code),
        (1, 1),
        "{build_text}\n{check_text}"
    );
    let from_build = located(&build_text);
    let from_check = located(&check_text);
    assert_eq!(
        from_build, from_check,
        "build:\n{build_text}\ncheck:\n{check_text}"
    );
    for expected in [
        // The fixture is served from `/sub/`.
        "content/links.md:5:15: error: link `/nowhere/` on links/index.html leaves the site's base path `/sub/`",
        "content/links.md:7:13: error: placeholder link `#` in <a> on links/index.html",
        "content/links.md:7:27: error: malformed e-mail address `not-an-address` in a mailto link on links/index.html",
        "content/links.md:9:26: error: link `/sub/about/#no-such-heading` on links/index.html points to a missing section `#no-such-heading`",
        "content/links.md:11:19: error: broken link `/sub/lost/` on links/index.html: there is no page at /lost/",
    ] {
        assert!(
            from_build.iter().any(|l| l == expected),
            "{expected}\nnot in:\n{build_text}"
        );
    }
    assert!(
        !site.join("public").exists(),
        "a failed first build writes nothing"
    );
}

#[test]
fn a_link_in_a_merged_privacy_section_is_located_in_its_own_file() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    common::copy_fixture("small", site);
    fs::create_dir_all(site.join("content/legal")).unwrap();
    fs::write(
        site.join("content/legal/children.md"),
        "+++\ntitle = \"Children\"\n+++\n\nWrite to [the office](#).\n\nOr [call](#) us.\n",
    )
    .unwrap();
    // The fixture's French chapter site merges the section's French translation.
    fs::write(
        site.join("content/legal/children.fr.md"),
        "+++\ntitle = \"Enfants\"\n+++\n\nÉcrivez au secrétariat.\n",
    )
    .unwrap();
    let privacy = site.join("data/privacy.toml");
    let mut text = fs::read_to_string(&privacy).unwrap();
    text.push_str("\n[[sections]]\nafter = \"rights\"\nfile = \"legal/children.md\"\n");
    fs::write(&privacy, text).unwrap();
    for command in ["build", "check"] {
        let (code, out) = run(command, site);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains("content/legal/children.md:5:23: error: placeholder link `#` in <a> on privacy/index.html"),
            "{command}:\n{out}"
        );
        assert!(
            out.contains("content/legal/children.md:7:11: error: placeholder link `#` in <a> on privacy/index.html"),
            "every occurrence, each at its line: {command}:\n{out}"
        );
        assert!(!out.contains("data/privacy.toml:1:1"), "{command}:\n{out}");
    }
}

#[test]
fn a_placeholder_link_in_a_cookie_purpose_is_located_in_cookies_toml() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    common::copy_fixture("small", site);
    let cookies = site.join("data/cookies.toml");
    let text = fs::read_to_string(&cookies).unwrap().replace(
        "purpose = \"Remembers your cookie choice\"",
        "purpose = \"Remembers your cookie choice; see [the policy](#)\"",
    );
    fs::write(&cookies, text).unwrap();
    for command in ["build", "check"] {
        let (code, out) = run(command, site);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains(
                "data/cookies.toml:7:59: error: placeholder link `#` in <a> on cookies/index.html"
            ),
            "{command}:\n{out}"
        );
    }
}

/// With raw HTML allowed, a script URL is found however it is spelled: character
/// references, tabs inside the scheme, other attributes that hold URLs, `vbscript:` and
/// `data:` pages. `data:` images stay allowed.
#[test]
fn script_urls_are_found_however_they_are_spelled() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    common::copy_fixture("small", site);
    let config = site.join("data/site.toml");
    let mut text = fs::read_to_string(&config).unwrap();
    text.push_str("\n[build]\nraw_html = \"allow\"\n");
    fs::write(&config, text).unwrap();
    let hostile = [
        ("a", "href", "&#106;avascript:alert(1)"),
        ("a", "href", "&#x6A;avascript&colon;alert(1)"),
        ("a", "href", "java&#x09;script:alert(1)"),
        ("a", "href", " JaVaScRiPt:alert(1)"),
        ("button", "formaction", "javascript:alert(1)"),
        ("form", "action", "javascript:alert(1)"),
        ("a", "xlink:href", "javascript:alert(1)"),
        ("a", "href", "vbscript:msgbox(1)"),
        ("a", "href", "data:text/html;base64,PHNjcmlwdD4="),
        ("iframe", "src", "data:text/html,<script>alert(1)</script>"),
    ];
    // One page each, so every spelling must be caught on its own.
    for (n, (tag, attribute, value)) in hostile.iter().enumerate() {
        let body =
            format!("+++\ntitle = \"Raw\"\n+++\n\n<{tag} {attribute}=\"{value}\">x</{tag}>\n");
        fs::write(site.join(format!("content/raw{n}.md")), body).unwrap();
    }
    fs::write(
        site.join("content/image.md"),
        "+++\ntitle = \"Image\"\n+++\n\n<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\">\n",
    )
    .unwrap();
    let (code, out) = run("check", site);
    assert_eq!(code, 1, "{out}");
    for (n, (tag, _, value)) in hostile.iter().enumerate() {
        let scheme = if value.contains("vbscript") {
            "`vbscript:` URL"
        } else if value.starts_with("data:") {
            "`data:` URL"
        } else {
            "`javascript:` link"
        };
        // Located at the value as written, character references and all.
        let expected = format!("content/raw{n}.md:5:");
        let line = out
            .lines()
            .find(|l| l.contains(&format!("{scheme} in <{tag}> on raw{n}/index.html")));
        assert!(
            line.is_some_and(|l| l.trim_start().starts_with(&expected)),
            "{expected}… {scheme} on raw{n} not in:\n{out}"
        );
    }
    assert!(
        !out.contains("image/index.html"),
        "a data: image is fine:\n{out}"
    );
    assert!(!out.contains("from the theme"), "{out}");
}
