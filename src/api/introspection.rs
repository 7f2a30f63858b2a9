//! Introspection (`__schema`, `__type`) under the limits: documents that nest its list fields
//! too deeply are refused before execution, as graphql-js's `MaxIntrospectionDepthRule`
//! refuses them, and what remains is costed by what it returns, counted against the schema
//! itself (its size is fixed, so the count is exact and needs no execution).

use async_graphql::parser::types::{ExecutableDocument, Field, Selection, SelectionSet};
use async_graphql::registry::{MetaInputValue, MetaType, Registry};
use async_graphql::{Name, Pos, Value, Variables};

/// How many introspection list fields (`fields`, `interfaces`, `possibleTypes`, `inputFields`) may be nested: reaching this many is refused (graphql-js's `MAX_LISTS_DEPTH`). GraphiQL's own query nests them one deep; `ofType` chains are bounded by the schema's type wrappers and are not counted.
const MAX_LISTS_DEPTH: usize = 3;

/// The introspection list fields that can cycle through types.
const LISTS: [&str; 4] = ["fields", "interfaces", "possibleTypes", "inputFields"];

/// The position of the first `__schema` or `__type` field in `set` (fragments followed) that nests introspection lists [`MAX_LISTS_DEPTH`] deep.
pub fn too_deep(doc: &ExecutableDocument, set: &SelectionSet) -> Option<Pos> {
    let mut walk = DepthWalk { doc, fragments: Vec::new() };
    walk.find_roots(set)
}

struct DepthWalk<'a> {
    doc: &'a ExecutableDocument,
    /// Fragments being expanded (a cycle is left to validation to report).
    fragments: Vec<&'a Name>,
}

impl<'a> DepthWalk<'a> {
    /// Follows `set` to the introspection fields and checks each.
    fn find_roots(&mut self, set: &'a SelectionSet) -> Option<Pos> {
        for item in &set.items {
            let found = match &item.node {
                Selection::Field(f) if matches!(f.node.name.node.as_str(), "__schema" | "__type") => {
                    self.reaches_limit(&f.node.selection_set.node, 0).then_some(f.pos)
                }
                Selection::Field(f) => self.find_roots(&f.node.selection_set.node),
                Selection::InlineFragment(i) => self.find_roots(&i.node.selection_set.node),
                Selection::FragmentSpread(s) => {
                    self.in_fragment(&s.node.fragment_name.node, |w, set| w.find_roots(set))
                }
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// True when `set`, under `depth` introspection lists, nests them [`MAX_LISTS_DEPTH`] deep.
    fn reaches_limit(&mut self, set: &'a SelectionSet, depth: usize) -> bool {
        set.items.iter().any(|item| match &item.node {
            Selection::Field(f) => {
                let depth = depth + usize::from(LISTS.contains(&f.node.name.node.as_str()));
                depth >= MAX_LISTS_DEPTH || self.reaches_limit(&f.node.selection_set.node, depth)
            }
            Selection::InlineFragment(i) => self.reaches_limit(&i.node.selection_set.node, depth),
            Selection::FragmentSpread(s) => self
                .in_fragment(&s.node.fragment_name.node, |w, set| w.reaches_limit(set, depth).then_some(()))
                .is_some(),
        })
    }

    /// Runs `f` on the selections of fragment `name`, unless it is already being expanded.
    fn in_fragment<T>(
        &mut self,
        name: &'a Name,
        f: impl FnOnce(&mut Self, &'a SelectionSet) -> Option<T>,
    ) -> Option<T> {
        let frag = self.doc.fragments.get(name)?;
        if self.fragments.contains(&name) || self.fragments.len() >= 64 {
            return None;
        }
        self.fragments.push(name);
        let found = f(self, &frag.node.selection_set.node);
        self.fragments.pop();
        found
    }
}

/// What an introspection field resolves to.
#[derive(Clone, Copy)]
enum Meta<'r> {
    Schema,
    /// A type, wrappers included (`[String!]!`).
    Type(&'r str),
    Field(&'r async_graphql::registry::MetaField),
    InputValue(&'r MetaInputValue),
    Directive(&'r async_graphql::registry::MetaDirective),
    /// Anything whose fields are all leaves (`__EnumValue`).
    Leaves,
}

/// Counts what an introspection field returns: each field resolved counts 1, once per item of the lists it sits in, as [`super::cost::measure`] counts the rest of a query. Stops counting once `cap` is passed.
pub struct Cost<'a> {
    registry: &'a Registry,
    doc: &'a ExecutableDocument,
    vars: &'a Variables,
    fragments: Vec<&'a Name>,
    cap: u64,
    counted: u64,
}

impl<'a> Cost<'a> {
    /// A counter for `doc` against `registry`, stopping past `cap`.
    pub fn new(registry: &'a Registry, doc: &'a ExecutableDocument, vars: &'a Variables, cap: u64) -> Self {
        Cost { registry, doc, vars, fragments: Vec::new(), cap, counted: 0 }
    }

    /// The cost of the `__schema` or `__type` field `f` (1 when it is neither).
    pub fn root(&mut self, f: &'a Field) -> u64 {
        self.counted = 0;
        let meta = match f.name.node.as_str() {
            "__schema" => Some(Meta::Schema),
            "__type" => {
                self.type_arg(f).and_then(|n| self.registry.types.get_key_value(n.as_str())).map(|(k, _)| Meta::Type(k))
            }
            _ => None,
        };
        match meta {
            Some(m) => self.object(&f.selection_set.node, m),
            None => 1,
        }
    }

    /// The `name` argument of `__type(name:)`, variables resolved.
    fn type_arg(&self, f: &Field) -> Option<String> {
        let (_, v) = f.arguments.iter().find(|(a, _)| a.node.as_str() == "name")?;
        match v
            .node
            .clone()
            .into_const_with(|var| Ok::<_, ()>(self.vars.get(&var).cloned().unwrap_or(Value::Null)))
            .ok()?
        {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// 1 for the field returning `meta`, plus its selections on it.
    fn object(&mut self, set: &'a SelectionSet, meta: Meta<'a>) -> u64 {
        self.counted = self.counted.saturating_add(1);
        let mut cost: u64 = 1;
        self.each_field(set, &mut |this, f| {
            cost = cost.saturating_add(this.field(f, meta));
        });
        cost
    }

    /// Calls `visit` on each field of `set`, fragments expanded.
    fn each_field(&mut self, set: &'a SelectionSet, visit: &mut dyn FnMut(&mut Self, &'a Field)) {
        for item in &set.items {
            if self.counted > self.cap {
                return;
            }
            match &item.node {
                Selection::Field(f) => visit(self, &f.node),
                Selection::InlineFragment(i) => self.each_field(&i.node.selection_set.node, visit),
                Selection::FragmentSpread(s) => {
                    let name = &s.node.fragment_name.node;
                    if let Some(frag) = self.doc.fragments.get(name) {
                        if !self.fragments.contains(&name) && self.fragments.len() < 64 {
                            self.fragments.push(name);
                            self.each_field(&frag.node.selection_set.node, visit);
                            self.fragments.pop();
                        }
                    }
                }
            }
        }
    }

    /// The cost of field `f` of `on`: 1 for a leaf or null, else what its object or list holds.
    fn field(&mut self, f: &'a Field, on: Meta<'a>) -> u64 {
        let set = &f.selection_set.node;
        let list = |this: &mut Self, items: Vec<Meta<'a>>| {
            items.into_iter().fold(1u64, |c, m| c.saturating_add(this.object(set, m)))
        };
        let r = self.registry;
        match (on, f.name.node.as_str()) {
            (Meta::Schema, "types") => list(self, r.types.keys().map(|k| Meta::Type(k)).collect()),
            (Meta::Schema, "queryType") => self.object(set, Meta::Type(&r.query_type)),
            (Meta::Schema, "mutationType") => match &r.mutation_type {
                Some(t) => self.object(set, Meta::Type(t)),
                None => 1,
            },
            (Meta::Schema, "subscriptionType") => match &r.subscription_type {
                Some(t) => self.object(set, Meta::Type(t)),
                None => 1,
            },
            (Meta::Schema, "directives") => list(self, r.directives.values().map(Meta::Directive).collect()),
            (Meta::Type(t), "ofType") => {
                match t.strip_suffix('!').or_else(|| t.strip_prefix('[').and_then(|t| t.strip_suffix(']'))) {
                    Some(inner) => self.object(set, Meta::Type(inner)),
                    None => 1,
                }
            }
            (Meta::Type(t), name) if !t.ends_with(['!', ']']) => {
                let ty = r.types.get(t);
                let items: Option<Vec<Meta<'a>>> = match (name, ty) {
                    ("fields", Some(ty)) => ty.fields().map(|fs| fs.values().map(Meta::Field).collect()),
                    ("interfaces", Some(MetaType::Object { .. } | MetaType::Interface { .. })) => Some(
                        r.implements.get(t).map(|is| is.iter().map(|i| Meta::Type(i)).collect()).unwrap_or_default(),
                    ),
                    ("possibleTypes", Some(ty)) => {
                        ty.possible_types().map(|ps| ps.iter().map(|p| Meta::Type(p)).collect())
                    }
                    ("enumValues", Some(MetaType::Enum { enum_values, .. })) => {
                        Some(enum_values.values().map(|_| Meta::Leaves).collect())
                    }
                    ("inputFields", Some(MetaType::InputObject { input_fields, .. })) => {
                        Some(input_fields.values().map(Meta::InputValue).collect())
                    }
                    _ => None,
                };
                match items {
                    Some(items) => list(self, items),
                    None => 1,
                }
            }
            (Meta::Field(mf), "args") => list(self, mf.args.values().map(Meta::InputValue).collect()),
            (Meta::Field(mf), "type") => self.object(set, Meta::Type(&mf.ty)),
            (Meta::InputValue(iv), "type") => self.object(set, Meta::Type(&iv.ty)),
            (Meta::Directive(d), "args") => list(self, d.args.values().map(Meta::InputValue).collect()),
            _ => {
                self.counted = self.counted.saturating_add(1);
                1
            }
        }
    }
}
