//! What a theme's templates may not do: read the environment (Tera's `get_env`, which would
//! let a theme publish deploy tokens), or recurse without end through `include`, `extends`,
//! `import` or macro calls (Tera has no recursion limit, so the build would overflow its
//! stack and abort). [`harden`] removes the first; [`find_include_cycle`] finds the second
//! before Tera loads or renders anything.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tera::ast::{Expr, ExprVal, Node};

use crate::diagnostics::Diagnostic;

/// The message of every `get_env(…)` call in a template.
pub const GET_ENV_DISABLED: &str = "get_env is disabled: templates cannot read the environment";

/// Replaces Tera's `get_env` with a function that always fails, so a template that calls it
/// fails to render (with the template's name) instead of publishing a variable.
pub fn harden(tera: &mut tera::Tera) {
    tera.register_function(
        "get_env",
        |_: &HashMap<String, tera::Value>| -> tera::Result<tera::Value> {
            Err(tera::Error::msg(GET_ENV_DISABLED))
        },
    );
}

/// A template's text, whatever map of templates a caller has.
pub trait TemplateText {
    fn template_text(&self) -> &str;
}

impl TemplateText for String {
    fn template_text(&self) -> &str {
        self
    }
}

impl TemplateText for &str {
    fn template_text(&self) -> &str {
        self
    }
}

impl TemplateText for crate::model::theme::Template {
    fn template_text(&self) -> &str {
        &self.text
    }
}

/// A node of the reference graph: a template, or a macro (`file`, `name`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Ref {
    Template(String),
    Macro(String, String),
}

impl Ref {
    fn label(&self) -> String {
        match self {
            Ref::Template(name) => name.clone(),
            Ref::Macro(file, name) => format!("{file}::{name}"),
        }
    }
}

/// The first cycle of references among `templates` (name → text), as the names along it
/// with the first repeated at the end: `["a.html", "b.html", "a.html"]`; macros are named
/// `file::macro`. Templates that do not parse are skipped (Tera reports their syntax).
pub fn find_include_cycle<T: TemplateText>(templates: &BTreeMap<String, T>) -> Option<Vec<String>> {
    let graph = reference_graph(templates);
    let mut done = BTreeSet::new();
    for start in graph.keys() {
        let mut path = Vec::new();
        if let Some(cycle) = visit(&graph, start, &mut path, &mut done) {
            return Some(cycle.iter().map(Ref::label).collect());
        }
    }
    None
}

/// Depth-first search without recursion (a deep chain of includes must not overflow the
/// stack here either). `path` holds the nodes on the current branch with their next edge;
/// `on_path` the same nodes, for a lookup that stays logarithmic on long chains.
fn visit(
    graph: &BTreeMap<Ref, Vec<Ref>>,
    start: &Ref,
    path: &mut Vec<(Ref, usize)>,
    done: &mut BTreeSet<Ref>,
) -> Option<Vec<Ref>> {
    if done.contains(start) {
        return None;
    }
    let mut on_path = BTreeSet::from([start.clone()]);
    path.push((start.clone(), 0));
    while let Some((node, next)) = path.last_mut() {
        let edges = graph.get(node).map(Vec::as_slice).unwrap_or(&[]);
        let Some(target) = edges.get(*next).cloned() else {
            done.insert(node.clone());
            on_path.remove(node);
            path.pop();
            continue;
        };
        *next += 1;
        if on_path.contains(&target) {
            let at = path.iter().position(|(n, _)| *n == target).unwrap_or(0);
            let mut cycle: Vec<Ref> = path[at..].iter().map(|(n, _)| n.clone()).collect();
            cycle.push(target);
            return Some(cycle);
        }
        if !done.contains(&target) {
            on_path.insert(target.clone());
            path.push((target, 0));
        }
    }
    None
}

fn reference_graph<T: TemplateText>(templates: &BTreeMap<String, T>) -> BTreeMap<Ref, Vec<Ref>> {
    let mut graph: BTreeMap<Ref, Vec<Ref>> = BTreeMap::new();
    for (name, text) in templates {
        let Ok(template) = tera::Template::new(name, None, text.template_text()) else {
            continue;
        };
        let namespaces: BTreeMap<&str, &str> = template
            .imported_macro_files
            .iter()
            .map(|(file, namespace)| (namespace.as_str(), file.as_str()))
            .collect();
        let refs = |nodes: &[Node]| {
            let mut found = References::default();
            found.nodes(nodes);
            found.resolve(name, &namespaces)
        };
        let mut edges = refs(&template.ast);
        edges.extend(template.parent.iter().map(|p| Ref::Template(p.clone())));
        edges.extend(
            template
                .imported_macro_files
                .iter()
                .map(|(file, _)| Ref::Template(file.clone())),
        );
        graph.insert(Ref::Template(name.clone()), edges);
        for (macro_name, definition) in &template.macros {
            graph.insert(
                Ref::Macro(name.clone(), macro_name.clone()),
                refs(&definition.body),
            );
        }
    }
    graph
}

/// What a list of nodes refers to: included templates and called macros (by namespace).
#[derive(Default)]
struct References {
    includes: Vec<String>,
    calls: Vec<(String, String)>,
}

impl References {
    fn resolve(self, file: &str, namespaces: &BTreeMap<&str, &str>) -> Vec<Ref> {
        let mut edges: Vec<Ref> = self.includes.into_iter().map(Ref::Template).collect();
        for (namespace, name) in self.calls {
            let target = if namespace == "self" {
                Some(file)
            } else {
                namespaces.get(namespace.as_str()).copied()
            };
            if let Some(target) = target {
                edges.push(Ref::Macro(target.to_string(), name));
            }
        }
        edges
    }

    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Include(_, names, _) => self.includes.extend(names.iter().cloned()),
            Node::VariableBlock(_, expr) => self.expr(expr),
            Node::Set(_, set) => self.expr(&set.value),
            Node::FilterSection(_, section, _) => {
                self.args(section.filter.args.values());
                self.nodes(&section.body);
            }
            Node::Block(_, block, _) => self.nodes(&block.body),
            Node::Forloop(_, forloop, _) => {
                self.expr(&forloop.container);
                self.nodes(&forloop.body);
                if let Some(empty) = &forloop.empty_body {
                    self.nodes(empty);
                }
            }
            Node::If(branches, _) => {
                for (_, condition, body) in &branches.conditions {
                    self.expr(condition);
                    self.nodes(body);
                }
                if let Some((_, body)) = &branches.otherwise {
                    self.nodes(body);
                }
            }
            // Macro bodies are walked as nodes of their own; the rest refers to nothing.
            _ => {}
        }
    }

    fn args<'e>(&mut self, args: impl IntoIterator<Item = &'e Expr>) {
        for arg in args {
            self.expr(arg);
        }
    }

    fn expr(&mut self, expr: &Expr) {
        self.value(&expr.val);
        for filter in &expr.filters {
            self.args(filter.args.values());
        }
    }

    fn value(&mut self, value: &ExprVal) {
        match value {
            ExprVal::MacroCall(call) => {
                self.calls.push((call.namespace.clone(), call.name.clone()));
                self.args(call.args.values());
            }
            ExprVal::FunctionCall(call) => self.args(call.args.values()),
            ExprVal::Math(math) => self.args([&*math.lhs, &*math.rhs]),
            ExprVal::Logic(logic) => self.args([&*logic.lhs, &*logic.rhs]),
            ExprVal::In(within) => self.args([&*within.lhs, &*within.rhs]),
            ExprVal::Test(test) => self.args(&test.args),
            ExprVal::Array(items) => self.args(items),
            ExprVal::StringConcat(concat) => {
                for value in &concat.values {
                    self.value(value);
                }
            }
            ExprVal::String(_)
            | ExprVal::Int(_)
            | ExprVal::Float(_)
            | ExprVal::Bool(_)
            | ExprVal::Ident(_) => {}
        }
    }
}

/// The error for a cycle found by [`find_include_cycle`], at the first template of the
/// cycle (`origin` gives the file a template name came from).
pub fn cycle_error(cycle: &[String], origin: impl Fn(&str) -> Option<String>) -> Diagnostic {
    let first = cycle
        .first()
        .map(|c| c.split("::").next().unwrap_or(c))
        .unwrap_or("");
    let file = origin(first).unwrap_or_else(|| "themes".to_string());
    Diagnostic::error(format!(
        "the templates refer to each other in a cycle: {}",
        cycle.join(" → ")
    ))
    .in_file(&file)
    .hint("an include, extends, import or macro call that leads back to itself never ends; remove one link of the cycle (macros may not call themselves)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycle(templates: &[(&str, &str)]) -> Option<Vec<String>> {
        let map: BTreeMap<String, &str> =
            templates.iter().map(|(n, t)| (n.to_string(), *t)).collect();
        find_include_cycle(&map)
    }

    #[test]
    fn include_extends_and_import_cycles_are_found() {
        assert_eq!(
            cycle(&[("a.html", "{% include \"a.html\" %}")]),
            Some(vec!["a.html".into(), "a.html".into()])
        );
        assert_eq!(
            cycle(&[
                ("a.html", "x{% if y %}{% include \"b.html\" %}{% endif %}"),
                (
                    "b.html",
                    "{% for i in l %}{% include \"c.html\" %}{% endfor %}"
                ),
                (
                    "c.html",
                    "{% block z %}{% include [\"q.html\", \"a.html\"] ignore missing %}{% endblock %}"
                ),
            ]),
            Some(vec![
                "a.html".into(),
                "b.html".into(),
                "c.html".into(),
                "a.html".into()
            ])
        );
        assert_eq!(
            cycle(&[("m.html", "{% import \"m.html\" as m %}")]),
            Some(vec!["m.html".into(), "m.html".into()])
        );
        assert!(
            cycle(&[
                ("a.html", "{% extends \"b.html\" %}"),
                ("b.html", "{% extends \"a.html\" %}")
            ])
            .is_some()
        );
    }

    #[test]
    fn macro_recursion_is_found() {
        let direct = "{% macro t(n) %}{{ self::t(n=n) }}{% endmacro t %}";
        assert_eq!(
            cycle(&[("m.html", direct)]),
            Some(vec!["m.html::t".into(), "m.html::t".into()])
        );
        let through_filter = "{% macro a() %}{{ x | default(value=self::b()) }}{% endmacro a %}{% macro b() %}{% if self::a() %}{% endif %}{% endmacro b %}";
        assert!(cycle(&[("m.html", through_filter)]).is_some());
        let across = [
            (
                "m.html",
                "{% import \"n.html\" as n %}{% macro a() %}{{ n::b() }}{% endmacro a %}",
            ),
            (
                "n.html",
                "{% import \"o.html\" as o %}{% macro b() %}{{ o::c() }}{% endmacro b %}",
            ),
            (
                "o.html",
                "{% import \"m.html\" as m %}{% macro c() %}{{ 1 }}{% endmacro c %}",
            ),
        ];
        // o.html imports m.html, which imports n.html, which imports o.html.
        assert!(cycle(&across).is_some());
    }

    #[test]
    fn ordinary_themes_have_no_cycle() {
        assert_eq!(
            cycle(&[
                (
                    "base.html",
                    "{% block main %}{% endblock %}{% include \"nav.html\" %}"
                ),
                ("nav.html", "{% import \"m.html\" as m %}{{ m::link(x=1) }}"),
                (
                    "m.html",
                    "{% macro link(x) %}{{ self::label(x=x) }}{% endmacro link %}{% macro label(x) %}{{ x }}{% endmacro label %}"
                ),
                (
                    "page.html",
                    "{% extends \"base.html\" %}{% block main %}{% include \"nav.html\" %}{% endblock %}"
                ),
                ("broken.html", "{% if %}"),
            ]),
            None
        );
    }

    #[test]
    fn a_long_chain_is_walked_without_recursion() {
        let templates: BTreeMap<String, String> = (0..20_000)
            .map(|i| {
                (
                    format!("t{i}.html"),
                    format!("{{% include \"t{}.html\" %}}", i + 1),
                )
            })
            .collect();
        assert_eq!(find_include_cycle(&templates), None);
    }

    #[test]
    fn get_env_always_fails() {
        let mut tera = tera::Tera::default();
        harden(&mut tera);
        tera.add_raw_template("t.html", "{{ get_env(name=\"PATH\") }}")
            .unwrap();
        let err = tera.render("t.html", &tera::Context::new()).unwrap_err();
        let mut text = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(cause) = source {
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        assert!(text.contains(GET_ENV_DISABLED), "{text}");
    }
}
