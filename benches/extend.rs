//! What a write that adds records costs the builder (issue 15): a seed's graph extended by
//! one event (`KnowledgeGraph::extend`), with the time of each of its steps (the
//! `extend: ...` steps it logs at debug level, collected here by a tracing layer), then a
//! chain of extensions, each of the graph before it, as the writer makes them (so that the
//! added events pile up and their layers fold now and then), with its steps (timed with
//! their logging on, which reads `/proc` and so costs a little).
//!
//! Then replacements: one event replaced in place (`KnowledgeGraph::update`: a corrected
//! summary or title), its steps and its time; one statement given another speaker (its
//! links changed, in place); one event replaced with its date moved, one with a participant
//! replaced and one with a topic added (re-indexed from the graph before); other kinds'
//! replacements (an agreement or statement moved a day, an agreement citing one more
//! report, an actor taking up an office, an actor or place renamed, an actor given another
//! country, a venue made a city, an event an undated agreement is ordered by moved), each
//! from the graph before; an event, a statement and an agreement that nothing refers to
//! retracted (`KnowledgeGraph::retract`), from the graph before; the cities with the most
//! events made countries (their events re-indexed) and a source published a day later
//! (every record citing it replaced), from the graph before; the busiest cities moved into
//! other countries and venues into other cities (their events re-indexed), from the graph
//! before; the same graph built whole (what every such write cost before); and a chain of
//! replacements in place.
//!
//! `cargo bench --bench extend` on the bundled seed; `EXTEND_SEED=DIR` for another
//! (`diplograph generate --events 100000 --out DIR`), `EXTEND_RUNS` (default 20) for the
//! single extensions, `EXTEND_CHAIN` (default 2000, 0 to skip) for the chain's length.

use diplograph::graph::KnowledgeGraph;
use diplograph::model::{Entity, EntityKind, LinkKind, NodeId};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

/// The allocator the server binary uses, so that the figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Whether the steps are collected (their logging reads `/proc`, which costs a little).
static ON: AtomicBool = AtomicBool::new(false);

/// Each step's times, in microseconds, by name.
type Steps = Arc<Mutex<BTreeMap<String, Vec<u64>>>>;

/// Collects the `extend: ...` and `retract: ...` steps' `elapsed_us` (or, from a build that
/// logs whole milliseconds only, `elapsed_ms`), and the `graph: analytics: ...` steps inside
/// them (an analytics built again).
struct Collect(Steps);

#[derive(Default)]
struct Fields {
    message: String,
    us: Option<u64>,
    ms: Option<u64>,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        }
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "elapsed_us" => self.us = Some(value),
            "elapsed_ms" => self.ms = Some(value),
            _ => {}
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for Collect {
    fn register_callsite(&self, _: &'static tracing::Metadata<'static>) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }
    fn enabled(&self, _: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        ON.load(Ordering::Relaxed)
    }
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut f = Fields::default();
        event.record(&mut f);
        let step = ["extend:", "retract:", "graph: analytics:"].iter().any(|p| f.message.starts_with(p));
        if let (true, Some(us)) = (step, f.us.or(f.ms.map(|ms| ms * 1000))) {
            self.0.lock().expect("steps").entry(f.message).or_default().push(us);
        }
    }
}

/// An event like the seed's first, with a new id.
fn one_event(g: &KnowledgeGraph, n: usize, template: NodeId) -> Entity {
    let mut event = g.entity(template).clone();
    if let Entity::Event(e) = &mut event {
        e.id = format!("event:bench-extend-{n}");
    }
    event
}

/// `e` (an actor or place) renamed for the `n`-th run; `None` for another kind.
fn renamed(e: &mut Entity, n: usize) -> Option<()> {
    let name = match e {
        Entity::Actor(a) => &mut a.name,
        Entity::Place(p) => &mut p.name,
        _ => return None,
    };
    *name = format!("{name} (bench {n})");
    Some(())
}

/// Prints each step collected, with its median time.
fn print_steps(steps: &Steps) {
    for (step, times) in steps.lock().expect("steps").iter_mut() {
        times.sort_unstable();
        println!("  {step:<28} {:>9.3} ms", times[times.len() / 2] as f64 / 1e3);
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

/// The time `graph.update` takes to make the graph of one replacement (its drop not counted).
fn time_update(graph: &KnowledgeGraph, replacement: (NodeId, Entity)) -> Duration {
    let t = Instant::now();
    let g = graph.update(vec![replacement], Vec::new(), graph.snapshot().clone());
    let took = t.elapsed();
    drop(g);
    took
}

fn summary(times: &mut [Duration]) -> String {
    times.sort();
    format!(
        "p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(times, 0.5),
        percentile(times, 0.9),
        percentile(times, 0.99),
        percentile(times, 1.0)
    )
}

fn main() {
    diplograph::allocator::configure();
    let steps: Steps = Arc::default();
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Collect(steps.clone())))
        .expect("subscriber");
    let runs: usize = std::env::var("EXTEND_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    let chain: usize = std::env::var("EXTEND_CHAIN").ok().and_then(|s| s.parse().ok()).unwrap_or(2000);
    let seed = std::env::var("EXTEND_SEED").unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/seed").into());
    let started = Instant::now();
    let graph = Arc::new(diplograph::seed::load(std::path::Path::new(&seed)).expect("seed"));
    println!(
        "seed {seed}: {} entities, {} events, loaded in {:.2} s",
        graph.node_count(),
        graph.all(EntityKind::Event).len(),
        started.elapsed().as_secs_f64()
    );
    let template = graph.all(EntityKind::Event)[0];

    // The steps of one extension, collected.
    ON.store(true, Ordering::Relaxed);
    for n in 0..runs {
        drop(graph.extend(vec![one_event(&graph, n, template)], graph.snapshot().clone()));
    }
    ON.store(false, Ordering::Relaxed);
    println!("the steps of one graph extended by one event ({runs} times, median; timed with their logging on):");
    print_steps(&steps);

    // The whole extension, logging off: the time to the new graph, and with its drop (what
    // the writes bench's phase 0 times).
    let (mut made, mut with_drop) = (Vec::new(), Vec::new());
    for n in 0..runs {
        let t = Instant::now();
        let g = graph.extend(vec![one_event(&graph, n, template)], graph.snapshot().clone());
        made.push(t.elapsed());
        drop(g);
        with_drop.push(t.elapsed());
    }
    println!("one graph extended by one event ({runs} times): {}", summary(&mut made));
    println!("  the same with the extended graph dropped: {}", summary(&mut with_drop));

    // A report's records added in one write: a source, a statement and an agreement (the
    // list runs they join merged, the statements' date index extended); and the same report
    // with an event corrected to cite it (moved a day: the additions, then the event
    // re-indexed on that graph).
    let kinds = [EntityKind::Source, EntityKind::Statement, EntityKind::Agreement];
    if kinds.iter().all(|&k| !graph.all(k).is_empty()) {
        let report = |n: usize| -> Vec<Entity> {
            kinds
                .iter()
                .map(|&k| {
                    let mut e = graph.entity(graph.all(k)[0]).clone();
                    match &mut e {
                        Entity::Source(s) => s.id = format!("source:bench-report-{n}"),
                        Entity::Statement(s) => s.id = format!("statement:bench-report-{n}"),
                        Entity::Agreement(a) => a.id = format!("agreement:bench-report-{n}"),
                        _ => {}
                    }
                    e
                })
                .collect()
        };
        let (mut added, mut corrected) = (Vec::new(), Vec::new());
        let events = graph.all(EntityKind::Event);
        for n in 0..runs {
            let t = Instant::now();
            drop(graph.extend(report(n), graph.snapshot().clone()));
            added.push(t.elapsed());
            // (Until d869f3e a moved event that an undated agreement is ordered by built
            // whole, so the bench picks one that none is, as it did then.)
            let moved = |node: NodeId| {
                let mut e = graph.entity(node).clone();
                if let Entity::Event(ev) = &mut e {
                    ev.when = diplograph::model::TimeSpan::day(ev.when.start + chrono::Duration::days(1));
                }
                e
            };
            let mut i = n * 7_919;
            while !graph.replaces_in_place(events[i % events.len()], &moved(events[i % events.len()])) {
                i += 1;
            }
            let node = events[i % events.len()];
            let mut e = moved(node);
            if let Entity::Event(ev) = &mut e {
                ev.sources.push(NodeId(graph.node_count() as u32));
            }
            let t = Instant::now();
            drop(graph.update(vec![(node, e)], report(n), graph.snapshot().clone()));
            corrected.push(t.elapsed());
        }
        println!("a source, a statement and an agreement added ({runs} times): {}", summary(&mut added));
        println!(
            "the same with an event moved a day to cite the source (no undated agreement ordered by it; {runs} times): {}",
            summary(&mut corrected)
        );
    }

    // Replacements (issue 15): one event replaced in place (a corrected summary, or a
    // corrected title that keeps its words), made from the graph before; and one replaced
    // with its date moved, which is built whole (what every replacement cost before).
    let events = graph.all(EntityKind::Event).to_vec();
    let replaced = |g: &KnowledgeGraph, n: usize, title: bool, moved: bool| {
        let node = events[(n * 7_919) % events.len()];
        let mut e = g.entity(node).clone();
        if let Entity::Event(ev) = &mut e {
            if title {
                ev.title = format!("{} (corrected {n})", ev.title);
            } else {
                ev.summary = format!("{} Corrected {n}.", ev.summary);
            }
            if moved {
                ev.when = diplograph::model::TimeSpan::day(ev.when.start + chrono::Duration::days(1));
            }
        }
        (node, e)
    };
    steps.lock().expect("steps").clear();
    ON.store(true, Ordering::Relaxed);
    for n in 0..runs {
        drop(graph.update(vec![replaced(&graph, n, n % 2 == 1, false)], Vec::new(), graph.snapshot().clone()));
    }
    ON.store(false, Ordering::Relaxed);
    println!("the steps of one event replaced in place ({runs} times, median; timed with their logging on):");
    print_steps(&steps);
    let mut made = Vec::new();
    for n in 0..runs {
        let t = Instant::now();
        let g = graph.update(vec![replaced(&graph, n, n % 2 == 1, false)], Vec::new(), graph.snapshot().clone());
        made.push(t.elapsed());
        drop(g);
    }
    println!("one event replaced in place (summary or title corrected; {runs} times): {}", summary(&mut made));
    // A statement given another speaker: its links change (the old and new speakers' lists).
    let (statements, actors) = (graph.all(EntityKind::Statement).to_vec(), graph.all(EntityKind::Actor).to_vec());
    if !statements.is_empty() && actors.len() > 1 {
        steps.lock().expect("steps").clear();
        let mut made = Vec::new();
        for n in 0..runs {
            let node = statements[(n * 7_919) % statements.len()];
            let mut e = graph.entity(node).clone();
            if let Entity::Statement(s) = &mut e {
                s.speaker =
                    actors.iter().copied().find(|&a| a != s.speaker && (a.index() + n) % 7 == 0).unwrap_or(s.speaker);
            }
            ON.store(true, Ordering::Relaxed);
            let t = Instant::now();
            let g = graph.update(vec![(node, e)], Vec::new(), graph.snapshot().clone());
            made.push(t.elapsed());
            ON.store(false, Ordering::Relaxed);
            drop(g);
        }
        println!("one statement given another speaker, in place ({runs} times, logging on): {}", summary(&mut made));
        print_steps(&steps);
    }
    // Events re-indexed from the graph before (issue 15): a moved date, a participant
    // replaced by another actor, a topic added; each with its steps, then timed with logging
    // off. (An event that no undated agreement is ordered by: the next one from the n-th.)
    #[derive(Clone, Copy, PartialEq)]
    enum Edit {
        Date,
        Participant,
        Topic,
    }
    let reindexed = |g: &KnowledgeGraph, n: usize, edit: Edit| {
        let moved = edit == Edit::Date;
        let (mut node, mut e) = replaced(g, n, false, moved);
        let mut k = n;
        while !g.replaces_in_place(node, &e) {
            k += events.len() / 7_919 + 1;
            (node, e) = replaced(g, k, false, moved);
        }
        if let Entity::Event(ev) = &mut e {
            let other = actors[(n * 104_729) % actors.len()];
            match (edit, ev.participants.first_mut()) {
                (Edit::Date, _) => {}
                (Edit::Topic, _) => ev.topics.push(format!("bench topic {}", n % 3)),
                (Edit::Participant, Some(p)) if p.actor != other => p.actor = other,
                (Edit::Participant, _) => ev.participants.push(diplograph::model::Participation {
                    actor: other,
                    role: diplograph::model::ParticipantRole::Guest,
                    sources: Vec::new(),
                }),
            }
        }
        (node, e)
    };
    let edits = [
        ("its date moved by a day", Edit::Date),
        ("a participant replaced", Edit::Participant),
        ("a topic added", Edit::Topic),
    ];
    for (what, edit) in edits {
        steps.lock().expect("steps").clear();
        ON.store(true, Ordering::Relaxed);
        for n in 0..runs {
            let (node, e) = reindexed(&graph, n, edit);
            assert!(graph.replaces_in_place(node, &e), "re-indexed from the graph before");
            drop(graph.update(vec![(node, e)], Vec::new(), graph.snapshot().clone()));
        }
        ON.store(false, Ordering::Relaxed);
        println!("the steps of one event replaced, {what} ({runs} times, median; timed with their logging on):");
        print_steps(&steps);
        let mut made = Vec::new();
        for n in 0..runs {
            let r = reindexed(&graph, n, edit);
            let t = Instant::now();
            let g = graph.update(vec![r], Vec::new(), graph.snapshot().clone());
            made.push(t.elapsed());
            drop(g);
        }
        println!("one event replaced, {what}, from the graph before ({runs} times): {}", summary(&mut made));
    }
    // Other kinds' replacements made from the graph before (issue 15): an agreement or a
    // statement moved a day in its order, an agreement citing one more report, an actor
    // taking up an office, actors and places renamed, an actor given another country, a
    // venue made a city, an event an undated agreement is ordered by moved a day (the
    // agreement moves with it).
    let (agreements, sources) = (graph.all(EntityKind::Agreement).to_vec(), graph.all(EntityKind::Source).to_vec());
    let undated: Vec<NodeId> = agreements
        .iter()
        .filter_map(|&a| graph.agreement(a).filter(|ag| ag.when.is_none()).and_then(|ag| ag.event))
        .collect();
    let pick = |list: &[NodeId], n: usize| (!list.is_empty()).then(|| list[(n * 7_919) % list.len()]);
    let day = chrono::Duration::days(1);
    use diplograph::model::{PlaceKind, Position, TimeSpan};
    let places_of = |kind: PlaceKind| -> Vec<NodeId> {
        let all = graph.all(EntityKind::Place).iter().copied();
        all.filter(|&p| graph.place(p).is_some_and(|p| p.kind == kind)).collect()
    };
    let (countries, venues) = (places_of(PlaceKind::Country), places_of(PlaceKind::Venue));
    let busiest: Vec<NodeId> =
        actors.iter().copied().max_by_key(|&a| graph.reverse(a).events.len()).into_iter().collect();
    // Each row: what is replaced, the records it picks from (the n-th run takes one), and
    // the edit (`None` when the record cannot take it: that run is skipped).
    type Change<'a> = Box<dyn Fn(&mut Entity, usize) -> Option<()> + 'a>;
    let others: Vec<(&str, &[NodeId], Change<'_>)> = vec![
        (
            "agreement's date moved by a day",
            &agreements,
            Box::new(|e, _| {
                let Entity::Agreement(a) = e else { return None };
                a.when = Some(TimeSpan::day(graph.agreement_date(a)?.start + day));
                Some(())
            }),
        ),
        (
            "statement's date moved by a day",
            &statements,
            Box::new(|e, _| {
                let Entity::Statement(s) = e else { return None };
                s.when = TimeSpan::day(s.when.start + day);
                Some(())
            }),
        ),
        (
            "agreement citing one more report",
            &agreements,
            Box::new(|e, n| {
                let Entity::Agreement(a) = e else { return None };
                a.sources.push(pick(&sources, n + 1)?);
                Some(())
            }),
        ),
        (
            "actor taking up an office",
            &actors,
            Box::new(|e, n| {
                let Entity::Actor(a) = e else { return None };
                a.positions.push(Position {
                    title: format!("bench envoy {n}"),
                    organization: None,
                    start: graph.event(pick(&events, n)?).map(|ev| ev.when.start),
                    end: None,
                    attested: Vec::new(),
                    sources: vec![pick(&sources, n)?],
                });
                Some(())
            }),
        ),
        ("actor renamed", &actors, Box::new(renamed)),
        ("actor with the most events renamed (the counts that hold it sorted again)", &busiest, Box::new(renamed)),
        (
            "actor given another country",
            &actors,
            Box::new(|e, _| {
                let Entity::Actor(a) = e else { return None };
                a.country = countries.iter().copied().find(|&c| Some(c) != a.country);
                Some(())
            }),
        ),
        (
            "venue made a city (the runs by kind built again)",
            &venues,
            Box::new(|e, _| {
                let Entity::Place(p) = e else { return None };
                p.kind = PlaceKind::City;
                Some(())
            }),
        ),
        ("place renamed", graph.all(EntityKind::Place), Box::new(renamed)),
        (
            "event an undated agreement is ordered by, its date moved by a day",
            &undated,
            Box::new(|e, _| {
                let Entity::Event(ev) = e else { return None };
                ev.when = TimeSpan::day(ev.when.start + day);
                Some(())
            }),
        ),
    ];
    for (what, from, edit) in others {
        let mut made = Vec::new();
        for n in 0..runs {
            let Some(node) = pick(from, n) else { break };
            let mut e = graph.entity(node).clone();
            if edit(&mut e, n).is_none() {
                continue;
            }
            assert!(graph.replaces_in_place(node, &e), "{what}: made from the graph before");
            let t = Instant::now();
            let g = graph.update(vec![(node, e)], Vec::new(), graph.snapshot().clone());
            made.push(t.elapsed());
            drop(g);
        }
        if !made.is_empty() {
            println!("one {what}, from the graph before ({runs} times): {}", summary(&mut made));
        }
    }
    // Retractions: a record nothing refers to (what the writer lets a client retract alone)
    // taken out of the graph before.
    let alone = |kind: EntityKind| -> Vec<NodeId> {
        let free = |n: &NodeId| {
            let r = graph.reverse(*n);
            // (An agreement scheduling an event puts nothing in its lists.)
            let scheduled = graph.links(*n).any(|(_, kind, _)| kind == LinkKind::Schedules);
            r.agreements.is_empty() && r.statements.is_empty() && r.children.is_empty() && !scheduled
        };
        graph.all(kind).iter().copied().filter(free).collect()
    };
    for kind in [EntityKind::Event, EntityKind::Statement, EntityKind::Agreement] {
        let from = alone(kind);
        steps.lock().expect("steps").clear();
        ON.store(true, Ordering::Relaxed);
        for n in 0..runs {
            let Some(node) = pick(&from, n) else { break };
            drop(graph.retract(&[node], graph.snapshot().clone()));
        }
        ON.store(false, Ordering::Relaxed);
        println!("the steps of one {kind:?} retracted ({runs} times, median; timed with their logging on):");
        print_steps(&steps);
        let mut made = Vec::new();
        for n in 0..runs {
            let Some(node) = pick(&from, n) else { break };
            let t = Instant::now();
            let g = graph.retract(&[node], graph.snapshot().clone());
            made.push(t.elapsed());
            drop(g);
        }
        if !made.is_empty() {
            println!("one {kind:?} retracted, from the graph before ({runs} times): {}", summary(&mut made));
        }
    }
    // A city made a country (so the country of every event in it, which are re-indexed),
    // from the graph before, with its steps: the cities with the most events first.
    let mut cities = places_of(PlaceKind::City);
    cities.sort_by_key(|&c| std::cmp::Reverse(graph.reverse(c).events.len()));
    let country_runs = runs.min(cities.len());
    let made_country = |node: NodeId| {
        let mut e = graph.entity(node).clone();
        if let Entity::Place(p) = &mut e {
            p.kind = PlaceKind::Country;
        }
        assert!(graph.replaces_in_place(node, &e), "made from the graph before");
        (node, e)
    };
    steps.lock().expect("steps").clear();
    ON.store(true, Ordering::Relaxed);
    for &node in cities.iter().take(country_runs) {
        drop(graph.update(vec![made_country(node)], Vec::new(), graph.snapshot().clone()));
    }
    ON.store(false, Ordering::Relaxed);
    println!("the steps of one city made a country ({country_runs} times, median; timed with their logging on):");
    print_steps(&steps);
    let mut made: Vec<Duration> =
        cities.iter().take(country_runs).map(|&node| time_update(&graph, made_country(node))).collect();
    if let (Some(&most), false) = (cities.first(), made.is_empty()) {
        let events = graph.reverse(most).events.len();
        println!(
            "one city made a country (the busiest {country_runs}, up to {events} events each), from the graph before: {}",
            summary(&mut made)
        );
    }
    // A source published a day later: every record citing it replaced by itself (its
    // citations in order again), the events among them re-indexed, from the graph before.
    let sources = graph.all(EntityKind::Source);
    let republished = |node: NodeId| {
        let mut e = graph.entity(node).clone();
        if let Entity::Source(src) = &mut e {
            src.published = src.published.map(|d| d + day);
        }
        assert!(graph.replaces_in_place(node, &e), "made from the graph before");
        (node, e)
    };
    let mut made = Vec::new();
    let mut cited = Vec::new();
    for n in 0..runs {
        let Some(node) = pick(sources, n) else { break };
        cited.push(graph.reverse(node).fact_count);
        made.push(time_update(&graph, republished(node)));
    }
    if !made.is_empty() {
        cited.sort_unstable();
        let median = cited[cited.len() / 2];
        println!(
            "one source published a day later (cited by {median} facts, median), from the graph before ({runs} times): {}",
            summary(&mut made)
        );
    }
    // A city moved into another country (the events at or inside it leave the lists of the
    // places around it and join the others', their country changes), from the graph
    // before, with its steps: the cities with the most events first; then venues moved into
    // another city.
    let moved_into = |node: NodeId, into: &[NodeId], n: usize| {
        let mut e = graph.entity(node).clone();
        if let Entity::Place(p) = &mut e {
            p.within =
                into.iter().copied().filter(|&c| Some(c) != p.within).nth(n % into.len().saturating_sub(1).max(1));
        }
        assert!(graph.replaces_in_place(node, &e), "made from the graph before");
        (node, e)
    };
    steps.lock().expect("steps").clear();
    ON.store(true, Ordering::Relaxed);
    for (n, &node) in cities.iter().take(country_runs).enumerate() {
        drop(graph.update(vec![moved_into(node, &countries, n)], Vec::new(), graph.snapshot().clone()));
    }
    ON.store(false, Ordering::Relaxed);
    println!(
        "the steps of one city moved into another country ({country_runs} times, median; timed with their logging on):"
    );
    print_steps(&steps);
    for (what, places, into) in [("city", &cities, &countries), ("venue", &venues, &places_of(PlaceKind::City))] {
        let mut made: Vec<Duration> = places
            .iter()
            .take(country_runs)
            .enumerate()
            .map(|(n, &node)| time_update(&graph, moved_into(node, into, n)))
            .collect();
        if let (Some(&first), false) = (places.first(), made.is_empty()) {
            let events = graph.reverse(first).events.len();
            println!(
                "one {what} moved into another place (the first {country_runs}, up to {events} events each), from the graph before: {}",
                summary(&mut made)
            );
        }
    }
    // For comparison, what every such write cost before: the same graph built whole (no
    // replacement builds whole now).
    let whole_runs: usize = std::env::var("EXTEND_WHOLE_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    let mut made = Vec::new();
    for _ in 0..whole_runs {
        let (entities, ids) = graph.records();
        let t = Instant::now();
        let g = KnowledgeGraph::build(entities, ids, graph.snapshot().clone());
        made.push(t.elapsed());
        drop(g);
    }
    if !made.is_empty() {
        println!("the same graph built whole ({} times): {}", made.len(), summary(&mut made));
    }
    if chain > 0 {
        // A chain of replacements in place, each graph made from the one before (the
        // replaced nodes pile up beside the shared indexes and are folded in now and then).
        let mut g: KnowledgeGraph =
            graph.update(vec![replaced(&graph, 0, false, false)], Vec::new(), graph.snapshot().clone());
        let mut times = Vec::with_capacity(chain);
        for n in 1..=chain {
            let r = replaced(&g, n, n % 2 == 1, false);
            let t = Instant::now();
            let next = g.update(vec![r], Vec::new(), g.snapshot().clone());
            times.push(t.elapsed());
            g = next;
        }
        println!(
            "a chain of {chain} graphs, each the one before with one event replaced in place: {}",
            summary(&mut times)
        );
    }

    // A chain: each graph extended from the one before, one event each (events of random
    // dates: copies of random events of the seed).
    if chain > 0 {
        steps.lock().expect("steps").clear();
        ON.store(true, Ordering::Relaxed);
        let mut g: KnowledgeGraph = graph.extend(vec![one_event(&graph, runs, template)], graph.snapshot().clone());
        let mut times = Vec::with_capacity(chain);
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for n in 1..=chain {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let event = one_event(&g, runs + n, events[(x % events.len() as u64) as usize]);
            let t = Instant::now();
            let next = g.extend(vec![event], g.snapshot().clone());
            times.push(t.elapsed());
            g = next;
        }
        ON.store(false, Ordering::Relaxed);
        println!("a chain of {chain} graphs, each the one before extended by one event: {}", summary(&mut times));
        println!("  its steps (median, p99, max; timed with their logging on):");
        for (step, times) in steps.lock().expect("steps").iter_mut() {
            times.sort_unstable();
            let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize] as f64 / 1e3;
            println!("  {step:<28} {:>9.3} ms {:>9.3} ms {:>9.3} ms", at(0.5), at(0.99), at(1.0));
        }
    }
}
