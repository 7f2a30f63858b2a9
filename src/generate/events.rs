//! One file of events, each followed by its agreement and statements.

use super::names::{quoted, Rng, When, DAYS};
use super::world::{source_list, World, CITIES_PER_COUNTRY, COUNTRIES, TOPICS};
use std::collections::VecDeque;
use std::fmt::Write as _;

/// How many records of each kind one file holds.
#[derive(Default)]
pub(super) struct Counts {
    pub events: usize,
    pub agreements: usize,
    pub statements: usize,
}

/// Writes events `first..first + count` (trips and their parts included) as TOML.
pub(super) fn chunk(world: &World, rng: &mut Rng, first: usize, count: usize) -> (String, Counts) {
    let mut c = Chunk {
        w: world,
        rng,
        s: String::with_capacity(count * 900),
        counts: Counts::default(),
        recent: VecDeque::new(),
    };
    let (mut g, end) = (first, first + count);
    while g < end {
        let left = end - g;
        if left >= 2 && c.rng.chance(3) {
            let parts = (1 + c.rng.below(3)).min(left - 1);
            c.trip(g, parts);
            g += 1 + parts;
        } else {
            c.event(g, Spec::default());
            g += 1;
        }
    }
    (c.s, c.counts)
}

struct Chunk<'a> {
    w: &'a World,
    rng: &'a mut Rng,
    s: String,
    counts: Counts,
    /// Recent statements that answer none: later ones may answer them (chains stay short).
    recent: VecDeque<Said>,
}

struct Said {
    id: String,
    about: String,
    when: When,
    speaker: usize,
    topic: &'static str,
}

/// What a trip imposes on its parts.
#[derive(Default)]
struct Spec {
    kind: Option<&'static str>,
    day: Option<usize>,
    traveller: Option<usize>,
    country: Option<usize>,
    part_of: Option<String>,
}

const KINDS: [&str; 9] =
    ["meeting", "call", "visit", "signing", "roundtable", "press_conference", "ceremony", "tour", "announcement"];
const KIND_WEIGHTS: [usize; 9] = [35, 15, 10, 8, 7, 10, 5, 3, 7];
const PART_KINDS: [&str; 5] = ["meeting", "visit", "press_conference", "roundtable", "ceremony"];
const VERBS: [&str; 6] = [
    "discussed",
    "reviewed progress on",
    "agreed to deepen cooperation on",
    "exchanged views on",
    "set out plans for",
    "talked about",
];
const CODAS: [&str; 8] = [
    " Officials called the talks productive.",
    " Both sides agreed to meet again.",
    " No joint statement was issued.",
    " Reporters were not allowed in.",
    " A joint declaration followed.",
    "",
    "",
    "",
];

impl Chunk<'_> {
    fn trip(&mut self, g: usize, parts: usize) {
        let (w, rng) = (self.w, &mut *self.rng);
        let traveller = w.draw_actor(rng);
        let country = rng.below(COUNTRIES);
        let start = rng.below(DAYS - 8);
        let last = start + 1 + rng.below(5);
        let when = When::Range(start, last);
        let id = format!("event:{}-{g}", when.id_prefix(&w.days));
        let topic = rng.pick(TOPICS);
        let mut actors = vec![(traveller, "guest")];
        if let Some(&gov) = w.governments.get(country).filter(|&&gov| gov != traveller) {
            actors.push((gov, "host"));
        }
        let sources = w.sources_after(rng, start + 6);
        let (who, dest) = (&w.actors[traveller].name, w.country_name(country));
        let title = format!("{who}'s trip to {dest}");
        let summary = format!("{who} travelled to {dest} for talks on {topic}.");
        let place = Some(w.countries[country]);
        self.write_event(
            &id,
            &title,
            "trip",
            Some("in_person"),
            "occurred",
            when,
            place,
            None,
            &[topic],
            &summary,
            &sources,
            &actors,
        );
        for k in 0..parts {
            let spec = Spec {
                kind: Some(self.rng.pick(&PART_KINDS)),
                day: Some(start + self.rng.below(last - start + 1)),
                traveller: Some(traveller),
                country: Some(country),
                part_of: Some(id.clone()),
            };
            self.event(g + 1 + k, spec);
        }
    }

    fn event(&mut self, g: usize, spec: Spec) {
        let (w, rng) = (self.w, &mut *self.rng);
        let kind = spec.kind.unwrap_or_else(|| KINDS[rng.weighted(&KIND_WEIGHTS)]);
        let mode = match kind {
            "call" => Some(if rng.chance(70) { "phone" } else { "virtual" }),
            "announcement" => None,
            _ if spec.part_of.is_some() => Some("in_person"),
            _ => [Some("in_person"), Some("virtual"), None][rng.weighted(&[85, 10, 5])],
        };
        let status = if spec.part_of.is_none() && rng.chance(8) { "planned" } else { "occurred" };
        let when = match spec.day {
            Some(d) => When::Day(d.min(DAYS - 1)),
            None => {
                let d = rng.below(DAYS);
                match rng.weighted(&[85, 8, 3, 4]) {
                    0 => When::Day(d),
                    1 => When::Month(d),
                    2 => When::Year(d),
                    _ => When::Range(d, (d + 1 + rng.below(3)).min(DAYS - 1)),
                }
            }
        };
        // In person: at a venue (when its city has one) or in a city.
        let (place, city) = if mode == Some("in_person") {
            let (venue, city) = match spec.country {
                Some(c) => {
                    let city = c * CITIES_PER_COUNTRY + rng.below(CITIES_PER_COUNTRY);
                    let venues = &w.city_venues[city];
                    let venue = (!venues.is_empty() && rng.chance(70)).then(|| w.venues[rng.pick(venues)].0);
                    (venue, city)
                }
                None if rng.chance(65) => {
                    let (venue, city) = rng.pick(&w.venues);
                    (Some(venue), city)
                }
                None => (None, rng.below(w.cities.len())),
            };
            (Some(venue.unwrap_or(w.cities[city].0)), Some(city))
        } else {
            (None, None)
        };
        let size = match spec.traveller {
            Some(_) => 2 + rng.below(2),
            None => 2 + rng.weighted(&[45, 35, 20]),
        };
        let mut actors: Vec<usize> = spec.traveller.into_iter().collect();
        for _ in 0..20 {
            if actors.len() == size {
                break;
            }
            let a = w.draw_actor(rng);
            if !actors.contains(&a) {
                actors.push(a);
            }
        }
        let travelling = spec.traveller.is_some();
        let roles: Vec<(usize, &str)> = actors
            .iter()
            .enumerate()
            .map(|(i, &a)| {
                let role = match (kind, i) {
                    ("press_conference" | "announcement", 0) => "speaker",
                    ("signing", _) => "signatory",
                    ("call" | "roundtable", _) => "participant",
                    (_, 0) if travelling => "guest",
                    (_, 1) if travelling => "host",
                    ("meeting" | "ceremony", 0) | ("visit" | "tour", 1) => "host",
                    ("ceremony", _) => "witness",
                    ("meeting" | "visit" | "tour", _) => "guest",
                    _ => "participant",
                };
                (a, role)
            })
            .collect();
        let mut topics: Vec<&'static str> = Vec::with_capacity(3);
        for _ in 0..1 + rng.weighted(&[50, 35, 15]) {
            let t = rng.pick(TOPICS);
            if !topics.contains(&t) {
                topics.push(t);
            }
        }
        let extra = rng.pick(&CODAS);
        let verb = rng.pick(&VERBS);
        let sources = w.sources_after(rng, when.day());

        let a = &w.actors[actors[0]].name;
        let b = actors.get(1).map_or("officials", |&x| w.actors[x].name.as_str());
        let at = city.map(|c| format!(" in {}", w.places[w.cities[c].0].name)).unwrap_or_default();
        let topic = topics[0];
        let title = match kind {
            "meeting" => format!("{a} meets {b}{at}"),
            "call" => format!("{a} and {b} speak about {topic}"),
            "visit" => format!("{a} visits {b}{at}"),
            "signing" => format!("{a} and {b} sign a {topic} accord{at}"),
            "roundtable" => format!("Roundtable on {topic} with {a} and {b}"),
            "press_conference" => format!("{a} speaks to the press on {topic}{at}"),
            "ceremony" => format!("Ceremony with {a} and {b}{at}"),
            "tour" => format!("{a} on a {topic} tour{at}"),
            _ => format!("{a} announces new steps on {topic}"),
        };
        let listed = match topics.as_slice() {
            [one] => one.to_string(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            [] => String::new(),
        };
        let summary = format!("{a} and {b} {verb} {listed}{at}.{extra}");
        let id = format!("event:{}-{g}", when.id_prefix(&w.days));
        let part_of = spec.part_of.as_deref();
        self.write_event(&id, &title, kind, mode, status, when, place, part_of, &topics, &summary, &sources, &roles);

        let country = city.map(|c| w.cities[c].1);
        if self.rng.chance(if kind == "signing" { 80 } else { 15 }) {
            self.agreement(g, &id, kind, when, &actors, country, topic, &sources);
        }
        if self.rng.chance(20) {
            let speaker = actors[self.rng.below(actors.len())];
            self.statement(g, 1, &id, when, speaker, topic, None);
        }
        if !self.recent.is_empty() && self.rng.chance(6) {
            let target = self.rng.below(self.recent.len());
            let t = &self.recent[target];
            let (about, when, topic, target_id) = (t.about.clone(), t.when, t.topic, t.id.clone());
            let speaker = self.w.draw_actor(self.rng);
            self.statement(g, 2, &about, when, speaker, topic, Some((target_id, self.recent[target].speaker)));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn write_event(
        &mut self,
        id: &str,
        title: &str,
        kind: &str,
        mode: Option<&str>,
        status: &str,
        when: When,
        place: Option<usize>,
        part_of: Option<&str>,
        topics: &[&str],
        summary: &str,
        sources: &[usize],
        participants: &[(usize, &str)],
    ) {
        let (w, s) = (self.w, &mut self.s);
        let _ = write!(s, "\n[[event]]\nid = \"{id}\"\ntitle = {}\nkind = \"{kind}\"\n", quoted(title));
        if let Some(m) = mode {
            let _ = writeln!(s, "mode = \"{m}\"");
        }
        let _ = writeln!(s, "status = \"{status}\"\nwhen = \"{}\"", when.text(&w.days));
        if let Some(p) = place {
            let _ = writeln!(s, "place = \"place:{}\"", w.places[p].slug);
        }
        if let Some(p) = part_of {
            let _ = writeln!(s, "part_of = \"{p}\"");
        }
        let topics: Vec<String> = topics.iter().map(|t| format!("\"{t}\"")).collect();
        let all = source_list(sources);
        let _ = writeln!(s, "topics = [{}]\nsummary = {}\nsources = {all}", topics.join(", "), quoted(summary));
        let first = source_list(&sources[..1]);
        for &(actor, role) in participants {
            // A participant is told by every report of the event, or only by the first.
            let cited = if sources.len() > 1 && self.rng.chance(50) { &first } else { &all };
            let _ = write!(
                s,
                "\n[[event.participant]]\nactor = \"actor:{}\"\nrole = \"{role}\"\nsources = {cited}\n",
                w.actors[actor].slug
            );
        }
        self.counts.events += 1;
    }

    #[allow(clippy::too_many_arguments)]
    fn agreement(
        &mut self,
        g: usize,
        event: &str,
        event_kind: &str,
        when: When,
        actors: &[usize],
        country: Option<usize>,
        topic: &str,
        sources: &[usize],
    ) {
        let (w, rng) = (self.w, &mut *self.rng);
        // Parties: the governments of the participants' countries, at least two.
        let mut parties: Vec<usize> = Vec::new();
        let extra = [country.unwrap_or(0), rng.below(w.governments.len()), rng.below(w.governments.len())];
        let countries = actors.iter().filter_map(|&a| w.actors[a].country).chain(extra);
        for c in countries {
            if let Some(&gov) = w.governments.get(c) {
                if parties.len() < 2 + usize::from(actors.len() > 3) && !parties.contains(&gov) {
                    parties.push(gov);
                }
            }
        }
        let kinds = ["memorandum", "funding", "loan", "dialogue", "partnership", "commitment"];
        let kind = kinds[rng.weighted(&[20, 15, 10, 15, 20, 20])];
        let status = if event_kind == "signing" {
            "signed"
        } else {
            ["announced", "agreed", "signed", "planned"][rng.weighted(&[30, 35, 20, 15])]
        };
        let noun = match kind {
            "memorandum" => "Memorandum of understanding",
            "funding" => "Funding",
            "loan" => "Loan",
            "dialogue" => "Dialogue",
            "partnership" => "Partnership",
            _ => "Commitment",
        };
        let country_of = |gov: usize| w.country_name(w.actors[gov].country.unwrap_or(0));
        let (x, y) = (country_of(parties[0]), parties.get(1).map_or("its partners", |&p| country_of(p)));
        let title = format!("{noun} on {topic} between {x} and {y}");
        let summary = match status {
            "planned" => format!("{x} and {y} plan to work together on {topic}."),
            _ => format!("{x} and {y} agreed to work together on {topic}."),
        };
        let ids = |list: &[usize]| -> String {
            list.iter().map(|&a| format!("\"actor:{}\"", w.actors[a].slug)).collect::<Vec<_>>().join(", ")
        };
        let s = &mut self.s;
        let _ = write!(
            s,
            "\n[[agreement]]\nid = \"agreement:{}-{g}\"\ntitle = {}\nkind = \"{kind}\"\nstatus = \"{status}\"\nsummary = {}\nparties = [{}]\n",
            when.id_prefix(&w.days),
            quoted(&title),
            quoted(&summary),
            ids(&parties)
        );
        let signers: Vec<usize> = actors.iter().copied().filter(|&a| w.actors[a].kind == "person").collect();
        if status == "signed" && !signers.is_empty() {
            let _ = writeln!(s, "signatories = [{}]", ids(&signers));
        }
        let _ = writeln!(s, "event = \"{event}\"");
        if rng.chance(80) {
            let _ = writeln!(s, "when = \"{}\"", when.text(&w.days));
        }
        if rng.chance(if matches!(kind, "funding" | "loan") { 80 } else { 5 }) {
            let currency = ["USD", "EUR", "MXN"][rng.weighted(&[60, 25, 15])];
            let _ = writeln!(s, "amount = {}\ncurrency = \"{currency}\"", (1 + rng.below(400)) * 2_500_000);
        }
        if rng.chance(30) {
            let _ = writeln!(s, "duration_months = {}", rng.pick(&[6, 12, 18, 24, 36, 48, 60]));
        }
        let _ = writeln!(s, "topics = [\"{topic}\"]\nsources = {}", source_list(sources));
        self.counts.agreements += 1;
    }

    /// A statement about `about`, answering `answers` (its id and speaker) if given.
    #[allow(clippy::too_many_arguments)]
    fn statement(
        &mut self,
        g: usize,
        n: usize,
        about: &str,
        after: When,
        speaker: usize,
        topic: &'static str,
        answers: Option<(String, usize)>,
    ) {
        let (w, rng) = (self.w, &mut *self.rng);
        let pause = if answers.is_some() { 1 + rng.below(4) } else { rng.below(3) };
        let when = match after {
            When::Day(d) | When::Range(_, d) => When::Day((d + pause).min(DAYS - 1)),
            other => other,
        };
        let channel = ["press", "social_media", "interview", "speech", "other"][rng.weighted(&[40, 25, 15, 15, 5])];
        let who = &w.actors[speaker].name;
        let quote = answers.is_none() && rng.chance(35);
        let text = match (&answers, quote) {
            (Some((_, target)), _) => {
                let verb = rng.pick(&["welcomed", "criticised", "questioned", "rejected", "supported"]);
                format!("{who} {verb} remarks by {} on {topic}.", w.actors[*target].name)
            }
            (None, true) => match rng.below(4) {
                0 => format!("We will keep working with our partners on {topic}."),
                1 => format!("This is a good day for {topic}."),
                2 => format!("There is still a lot of work to do on {topic}."),
                _ => format!("We made real progress on {topic} today."),
            },
            (None, false) => {
                let how =
                    rng.pick(&["productive", "difficult", "frank", "a first step", "constructive", "disappointing"]);
                format!("{who} said the talks on {topic} were {how}.")
            }
        };
        let id = format!("statement:{}-{g}-{n}", when.id_prefix(&w.days));
        let sources = w.sources_after(rng, when.day());
        let s = &mut self.s;
        let _ = write!(
            s,
            "\n[[statement]]\nid = \"{id}\"\nspeaker = \"actor:{}\"\nwhen = \"{}\"\nchannel = \"{channel}\"\n",
            w.actors[speaker].slug,
            when.text(&w.days)
        );
        if quote {
            let _ = writeln!(s, "quote = true");
        }
        let _ = writeln!(s, "text = {}\nabout = \"{about}\"", quoted(&text));
        if let Some((target, _)) = &answers {
            let _ = writeln!(s, "responds_to = \"{target}\"");
        }
        let _ = writeln!(s, "sources = {}", source_list(&sources));
        self.counts.statements += 1;
        if answers.is_none() {
            self.recent.push_back(Said { id, about: about.to_owned(), when, speaker, topic });
            if self.recent.len() > 64 {
                self.recent.pop_front();
            }
        }
    }
}
