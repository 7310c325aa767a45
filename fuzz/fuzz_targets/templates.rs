//! Themes: templates that include, extend and import each other and call macros. Either a
//! cycle is found before Tera loads them, or loading and rendering end without overflowing
//! the stack; `get_env` never yields a value.
#![no_main]

use std::collections::BTreeMap;

use chapterhouse::render::template_guard::{find_include_cycle, harden};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: Vec<(u8, u8, &str)>| {
    let mut templates = BTreeMap::new();
    for (i, (link, target, body)) in input.iter().take(4).enumerate() {
        let target = format!("t{}.html", target % 4);
        let link = match link % 6 {
            0 => format!("{{% include \"{target}\" %}}"),
            1 => format!("{{% extends \"{target}\" %}}"),
            2 => format!("{{% import \"{target}\" as m %}}{{{{ m::f() }}}}"),
            3 => "{% macro f() %}{{ self::g() }}{% endmacro f %}{% macro g() %}{{ self::f() }}{% endmacro g %}".to_string(),
            4 => "{{ get_env(name=\"PATH\", default=\"\") }}".to_string(),
            _ => String::new(),
        };
        templates.insert(format!("t{i}.html"), format!("{link}{body}"));
    }
    if find_include_cycle(&templates).is_some() {
        return;
    }
    let mut tera = tera::Tera::default();
    harden(&mut tera);
    if tera
        .add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .is_err()
    {
        return;
    }
    let secret = std::env::var("PATH").unwrap_or_default();
    for name in templates.keys() {
        if let Ok(out) = tera.render(name, &tera::Context::new()) {
            assert!(secret.len() < 4 || !out.contains(&secret), "{name} published PATH");
        }
    }
});
