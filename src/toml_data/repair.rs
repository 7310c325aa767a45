//! Every problem of a TOML document in one run, although serde stops at the first.
//!
//! The document is parsed once into toml's span-keeping tree and deserialised again and
//! again; after each error the tree is repaired so that the next round gets past it. A wrong
//! key or value is removed (it is reported once, and the field it leaves missing is not
//! reported again); a missing field is reported and filled with a stand-in value, tried from
//! a list of shapes until the field's type accepts one. Stand-ins carry spans past the end of
//! any text, so errors inside them are recognised and never reach the user.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue, Error};

use super::forms::{Form, expected_form};
use crate::diagnostics::did_you_mean;

/// Rounds of deserialisation before giving up; each reports or repairs one problem.
const MAX_ROUNDS: usize = 256;
/// Spans from here on belong to stand-in values, never to the text.
const STAND_IN: usize = usize::MAX / 2;

/// One problem to report.
pub(super) struct Problem {
    pub error: Error,
    /// The key whose value is wrong (not for a list element), for hints showing the form.
    pub key: Option<String>,
    /// Whether the text is not TOML at all (then this is the only problem).
    pub syntax: bool,
}

/// Deserialises `text`, or returns every problem found, in the order of the text.
pub(super) fn deserialize<T: DeserializeOwned>(text: &str) -> Result<T, Vec<Problem>> {
    let first = match toml::from_str::<T>(text) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    let tree = match DeTable::parse(text) {
        Ok(tree) => tree,
        // A syntax error: nothing more can be known.
        Err(error) => {
            return Err(vec![Problem {
                error,
                key: None,
                syntax: true,
            }]);
        }
    };
    let mut repair = Repair::new(tree);
    for _ in 0..MAX_ROUNDS {
        match T::deserialize(toml::de::Deserializer::from(repair.tree.clone())) {
            Ok(value) if repair.problems.is_empty() => return Ok(value),
            Ok(_) => break,
            Err(error) => {
                if !repair.step(error) {
                    break;
                }
            }
        }
    }
    let mut problems = repair.problems;
    if problems.is_empty() {
        problems.push(Problem {
            error: first,
            key: None,
            syntax: false,
        });
    }
    problems.sort_by_key(|p| p.error.span().map(|s| s.start));
    Err(problems)
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Index(usize),
}

type Path = Vec<Step>;

/// A missing field filled in by the repair.
struct StandIn {
    table: Path,
    key: String,
    /// Index into [`SHAPES`] of the value now in place.
    shape: usize,
    /// Whether the value now in place is the first variant an "unknown variant" named.
    variant: bool,
    /// The spans given to the value now in place and everything inside it.
    spans: Range<usize>,
}

struct Repair<'i> {
    tree: Spanned<DeTable<'i>>,
    problems: Vec<Problem>,
    /// Keys removed for a wrong value: that they are missing now is not news.
    removed: HashSet<(Path, String)>,
    /// Tables and lists of the text a repair changed: their own complaints (an emptied list,
    /// a rule over fields one of which was removed) are consequences, not news.
    changed: HashSet<Range<usize>>,
    stand_ins: Vec<StandIn>,
    next_span: usize,
    /// Errors met so far: meeting one again means no progress.
    seen: HashSet<(String, Range<usize>)>,
}

impl<'i> Repair<'i> {
    fn new(tree: Spanned<DeTable<'i>>) -> Self {
        Repair {
            tree,
            problems: Vec::new(),
            removed: HashSet::new(),
            changed: HashSet::new(),
            stand_ins: Vec::new(),
            next_span: STAND_IN,
            seen: HashSet::new(),
        }
    }

    /// Records `error` if it is news and repairs the tree past it; false when it cannot.
    fn step(&mut self, error: Error) -> bool {
        let Some(span) = error.span() else {
            self.report(error, None);
            return false;
        };
        if !self
            .seen
            .insert((error.message().to_string(), span.clone()))
        {
            return false;
        }
        if span.start >= STAND_IN {
            return self.refit(&error, &span);
        }
        if let Some(key) = missing_field(error.message()) {
            let Some(table) = find_table(&self.tree, &span) else {
                self.report(error, None);
                return false;
            };
            if !self.removed.contains(&(table.clone(), key.clone())) {
                self.report(error, None);
            }
            return self.stand_in(table, key);
        }
        let consequence = self.changed.contains(&span);
        let meant = meant_field(error.message()).map(str::to_string);
        let path = (span != self.tree.span())
            .then(|| locate(&self.tree, &span))
            .flatten();
        if !consequence {
            let key = path.as_ref().and_then(|p| match p.last() {
                Some(Step::Key(k)) => Some(k.clone()),
                _ => None,
            });
            self.report(error, key);
        }
        let Some(path) = path else {
            return false;
        };
        if let Some(meant) = meant {
            // `titel` for `title`: the missing `title` is the same mistake.
            self.removed
                .insert((path[..path.len() - 1].to_vec(), meant));
        }
        self.remove(path)
    }

    fn report(&mut self, error: Error, key: Option<String>) {
        self.problems.push(Problem {
            error,
            key,
            syntax: false,
        });
    }

    /// Removes the entry or list element at `path`.
    fn remove(&mut self, mut path: Path) -> bool {
        let Some(last) = path.pop() else {
            return false;
        };
        if let Some(span) = span_at(&self.tree, &path).filter(|s| s.start < STAND_IN) {
            self.changed.insert(span);
        }
        match last {
            Step::Key(key) => {
                let Some(table) = table_mut(&mut self.tree, &path) else {
                    return false;
                };
                table.remove(key.as_str());
                self.removed.insert((path, key));
                true
            }
            Step::Index(index) => {
                let Some(DeValue::Array(array)) = value_mut(&mut self.tree, &path) else {
                    return false;
                };
                let items = std::mem::replace(array, DeArray::new());
                *array = items
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| *i != index)
                    .map(|(_, item)| item)
                    .collect();
                true
            }
        }
    }

    /// Fills the missing field `key` of the table at `path` with the first shape.
    fn stand_in(&mut self, table: Path, key: String) -> bool {
        if let Some(span) = span_at(&self.tree, &table).filter(|s| s.start < STAND_IN) {
            self.changed.insert(span);
        }
        self.stand_ins.push(StandIn {
            table,
            key,
            shape: 0,
            variant: false,
            spans: 0..0,
        });
        let index = self.stand_ins.len() - 1;
        let value = self.shape(SHAPES[0]);
        self.put(index, value)
    }

    /// An error inside a stand-in: fill in what it lacks, or try the stand-in's next shape.
    fn refit(&mut self, error: &Error, span: &Range<usize>) -> bool {
        if let Some(key) = missing_field(error.message())
            && let Some(table) = find_table(&self.tree, span)
        {
            return self.stand_in(table, key);
        }
        let Some(index) = self
            .stand_ins
            .iter()
            .rposition(|s| s.spans.contains(&span.start))
        else {
            return false;
        };
        let variant = first_variant(error.message()).filter(|_| !self.stand_ins[index].variant);
        if let Some(variant) = variant {
            self.stand_ins[index].variant = true;
            let value = Spanned::new(self.span(), DeValue::String(Cow::Owned(variant)));
            return self.put(index, value);
        }
        self.next_shape(index, expected_form(error.message()))
    }

    /// Puts the stand-in's next shape in place (the one `form` names, if later); when it has
    /// none left, the stand-in it lies in (if any) moves on instead.
    fn next_shape(&mut self, index: usize, form: Option<Form>) -> bool {
        let current = self.stand_ins[index].shape;
        let jump = form.and_then(|f| SHAPES.iter().position(|s| s.form() == Some(f)));
        let next = jump.filter(|&j| j > current).unwrap_or(current + 1);
        let Some(&shape) = SHAPES.get(next) else {
            let table = self.stand_ins[index].table.clone();
            let outer = span_at(&self.tree, &table)
                .filter(|s| s.start >= STAND_IN)
                .and_then(|s| {
                    self.stand_ins
                        .iter()
                        .rposition(|o| o.spans.contains(&s.start))
                });
            return outer.is_some_and(|outer| self.next_shape(outer, None));
        };
        self.stand_ins[index].shape = next;
        self.stand_ins[index].variant = false;
        let value = self.shape(shape);
        self.put(index, value)
    }

    /// Sets the stand-in's value in its table.
    fn put(&mut self, index: usize, value: Spanned<DeValue<'i>>) -> bool {
        let start = value.span().start;
        let stand_in = &mut self.stand_ins[index];
        stand_in.spans = start..self.next_span;
        let key = Spanned::new(start..start + 1, Cow::Owned(stand_in.key.clone()));
        let table = stand_in.table.clone();
        match table_mut(&mut self.tree, &table) {
            Some(table) => {
                table.insert(key, value);
                true
            }
            None => false,
        }
    }

    /// A fresh stand-in span.
    fn span(&mut self) -> Range<usize> {
        let start = self.next_span;
        self.next_span += 1;
        start..start + 1
    }

    fn shape(&mut self, shape: Shape) -> Spanned<DeValue<'i>> {
        let span = self.span();
        let value = match shape {
            Shape::Text(text) => DeValue::String(Cow::Borrowed(text)),
            Shape::Integer => DeValue::Integer(Default::default()),
            Shape::Float => DeValue::Float(Default::default()),
            Shape::Bool => DeValue::Boolean(true),
            Shape::Datetime(text) => match text.parse() {
                Ok(datetime) => DeValue::Datetime(datetime),
                Err(_) => DeValue::Boolean(true),
            },
            Shape::List(item) => {
                let mut array = DeArray::new();
                if let Some(item) = item {
                    array.push(self.shape(*item));
                }
                DeValue::Array(array)
            }
            Shape::Table => DeValue::Table(DeTable::new()),
        };
        Spanned::new(span, value)
    }
}

/// A stand-in value's shape.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Text(&'static str),
    Integer,
    Float,
    Bool,
    Datetime(&'static str),
    /// A list, empty or of one item.
    List(Option<&'static Shape>),
    Table,
}

impl Shape {
    fn form(self) -> Option<Form> {
        Some(match self {
            Shape::Text(_) => Form::Text,
            Shape::Integer => Form::Integer,
            Shape::Float => Form::Number,
            Shape::Bool => Form::Bool,
            Shape::Datetime(_) => Form::Date,
            Shape::List(None) => Form::List,
            Shape::Table => Form::Table,
            Shape::List(Some(_)) => return None,
        })
    }
}

/// The shapes a stand-in tries, in order: texts that common checked types accept (an id, the
/// word "none", a time, a URL, a language), then every other kind of value.
const SHAPES: [Shape; 14] = [
    Shape::Text("x"),
    Shape::Text("none"),
    Shape::Text("18:30"),
    Shape::Text("https://example.org/"),
    Shape::Text("en"),
    Shape::Integer,
    Shape::Float,
    Shape::Bool,
    Shape::Datetime("2000-01-01"),
    Shape::Datetime("2000-01-01T00:00:00"),
    Shape::List(None),
    Shape::Table,
    Shape::List(Some(&Shape::Table)),
    Shape::List(Some(&Shape::Text("x"))),
];

/// `missing field `title`` → `title`.
fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    Some(rest.split('`').next()?.to_string())
}

/// `unknown field `titel`, expected one of `title`, `date`` → `title`.
fn meant_field(message: &str) -> Option<&str> {
    let (word, expected) = message
        .strip_prefix("unknown field `")?
        .split_once("`, expected ")?;
    did_you_mean(word, expected.split('`').skip(1).step_by(2))
}

/// `unknown variant `x`, expected one of `a`, `b`` → `a`.
fn first_variant(message: &str) -> Option<String> {
    let (_, expected) = message
        .strip_prefix("unknown variant ")?
        .split_once("expected ")?;
    Some(expected.split('`').nth(1)?.to_string())
}

/// What [`walk`] calls for each node: its path, its key's span (none for a list element)
/// and its value.
type Visit<'v, 't, 'i> = dyn FnMut(&Path, Option<Range<usize>>, &'t Spanned<DeValue<'i>>) + 'v;

/// Calls `visit` with the path, key span (none for a list element) and value of every node.
fn walk<'t, 'i>(table: &'t DeTable<'i>, path: &mut Path, visit: &mut Visit<'_, 't, 'i>) {
    for (key, value) in table.iter() {
        path.push(Step::Key(key.get_ref().to_string()));
        visit(path, Some(key.span()), value);
        walk_value(value, path, visit);
        path.pop();
    }
}

fn walk_value<'t, 'i>(
    value: &'t Spanned<DeValue<'i>>,
    path: &mut Path,
    visit: &mut Visit<'_, 't, 'i>,
) {
    match value.get_ref() {
        DeValue::Table(table) => walk(table, path, visit),
        DeValue::Array(array) => {
            for (i, item) in array.iter().enumerate() {
                path.push(Step::Index(i));
                visit(path, None, item);
                walk_value(item, path, visit);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The deepest table whose span is `span` (the root's, for the root).
fn find_table(tree: &Spanned<DeTable<'_>>, span: &Range<usize>) -> Option<Path> {
    let mut found = (tree.span() == *span).then(Vec::new);
    walk(tree.get_ref(), &mut Vec::new(), &mut |path, _, value| {
        let deeper = found.as_ref().is_none_or(|f| path.len() >= f.len());
        if value.span() == *span && value.get_ref().is_table() && deeper {
            found = Some(path.clone());
        }
    });
    found
}

/// The innermost entry or list element whose key or value contains `span`.
fn locate(tree: &Spanned<DeTable<'_>>, span: &Range<usize>) -> Option<Path> {
    let contains = |outer: &Range<usize>| outer.start <= span.start && span.end <= outer.end;
    let mut best: Option<(usize, Path)> = None;
    walk(tree.get_ref(), &mut Vec::new(), &mut |path, key, value| {
        for outer in key.iter().chain([&value.span()]) {
            let better = best.as_ref().is_none_or(|(len, p)| {
                outer.len() < *len || (outer.len() == *len && path.len() > p.len())
            });
            if contains(outer) && better {
                best = Some((outer.len(), path.clone()));
            }
        }
    });
    best.map(|(_, path)| path)
}

fn span_at(tree: &Spanned<DeTable<'_>>, path: &Path) -> Option<Range<usize>> {
    if path.is_empty() {
        return Some(tree.span());
    }
    let mut span = None;
    walk(tree.get_ref(), &mut Vec::new(), &mut |p, _, value| {
        if p == path {
            span = Some(value.span());
        }
    });
    span
}

fn value_mut<'t, 'i>(
    tree: &'t mut Spanned<DeTable<'i>>,
    path: &Path,
) -> Option<&'t mut DeValue<'i>> {
    let (first, rest) = path.split_first()?;
    let Step::Key(key) = first else {
        return None;
    };
    let mut value = tree.get_mut().get_mut(key.as_str())?.get_mut();
    for step in rest {
        value = match (step, value) {
            (Step::Key(key), DeValue::Table(table)) => table.get_mut(key.as_str())?.get_mut(),
            (Step::Index(i), DeValue::Array(array)) => array.get_mut(*i)?.get_mut(),
            _ => return None,
        };
    }
    Some(value)
}

fn table_mut<'t, 'i>(
    tree: &'t mut Spanned<DeTable<'i>>,
    path: &Path,
) -> Option<&'t mut DeTable<'i>> {
    if path.is_empty() {
        return Some(tree.get_mut());
    }
    match value_mut(tree, path)? {
        DeValue::Table(table) => Some(table),
        _ => None,
    }
}
