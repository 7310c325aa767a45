//! Themes: templates that include, extend and import each other (or themselves), macros that
//! call themselves, each other or a macro of an imported file, blocks calling `super()`.
//! Either a cycle is found before Tera loads them, or loading and rendering end without
//! overflowing the stack; `get_env` never yields a value.
#![no_main]

use std::collections::BTreeMap;

use chapterhouse::render::template_guard::{find_include_cycle, harden};
use libfuzzer_sys::fuzz_target;

/// One reference from a template to `t{target}.html`: (tags that must come first, the rest).
fn link(kind: u8, target: u8) -> (String, String) {
    let target = target % 4;
    let file = format!("t{target}.html");
    let import = format!("{{% import \"{file}\" as m{target} %}}");
    match kind % 10 {
        0 => (String::new(), format!("{{% include \"{file}\" %}}")),
        1 => (format!("{{% extends \"{file}\" %}}"), String::new()),
        2 => (import, format!("{{{{ m{target}::f() }}}}")),
        3 => (String::new(), "{% macro f() %}{{ self::g() }}{% endmacro f %}{% macro g() %}{{ self::f() }}{% endmacro g %}".to_string()),
        4 => (String::new(), "{{ get_env(name=\"PATH\", default=\"\") }}".to_string()),
        5 => (String::new(), "{% macro f(n=0) %}{{ self::f(n=n+1) }}{% endmacro f %}".to_string()),
        6 => (import, format!("{{% macro f() %}}{{{{ m{target}::f() }}}}{{% endmacro f %}}")),
        7 => (String::new(), "{% block b %}[{{ super() }}]{% endblock b %}".to_string()),
        8 => (String::new(), format!("{{% include [\"missing.html\", \"{file}\"] ignore missing %}}")),
        _ => (String::new(), String::new()),
    }
}

fuzz_target!(|input: Vec<(u8, u8, &str)>| {
    // Up to eight links shared by four templates, so one template can both define a macro
    // and import, include or extend another (or itself).
    let mut parts: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (i, (kind, target, body)) in input.iter().take(8).enumerate() {
        let (head, rest) = link(*kind, *target);
        let part = parts.entry(format!("t{}.html", i % 4)).or_default();
        part.0.push_str(&head);
        part.1.push_str(&rest);
        part.1.push_str(body);
    }
    let templates: BTreeMap<String, String> = parts
        .into_iter()
        .map(|(name, (head, rest))| (name, head + &rest))
        .collect();
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
            assert!(
                secret.len() < 4 || !out.contains(&secret),
                "{name} published PATH"
            );
        }
    }
});
