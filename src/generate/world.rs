//! The world the events happen in: reports, places and actors, built once and written to
//! `sources.toml`, `places.toml` and `actors.toml`.

use super::names::{capitalise, code, quoted, slug, word, Rng, Taken, DAYS};
use std::collections::HashSet;
use std::fmt::Write as _;

pub(super) const COUNTRIES: usize = 200;
pub(super) const CITIES_PER_COUNTRY: usize = 5;
/// Continents, each split into sub-regions, which hold the countries.
pub(super) const CONTINENTS: usize = 4;
pub(super) const SUB_REGIONS: usize = 3;
/// How often, per thousand participant draws, the busiest actor is drawn (about three
/// draws per event put it in 1-2 % of events).
pub(super) const BUSIEST_PER_MILLE: u64 = 5;

pub(super) const TOPICS: &[&str] = &[
    "migration",
    "trade",
    "border security",
    "climate",
    "energy",
    "health",
    "security",
    "investment",
    "development",
    "agriculture",
    "water",
    "fisheries",
    "education",
    "technology",
    "cybersecurity",
    "human rights",
    "corruption",
    "tourism",
    "infrastructure",
    "finance",
    "debt relief",
    "food security",
    "disaster relief",
    "drug trafficking",
    "labor",
    "telecommunications",
    "mining",
    "shipping",
    "space",
    "culture",
];

/// A `[[place]]` to write.
pub(super) struct Place {
    pub(super) slug: String,
    pub(super) name: String,
    pub(super) kind: &'static str,
    pub(super) within: Option<usize>,
    pub(super) code: Option<String>,
    /// Latitude and longitude in hundredths of a degree.
    pub(super) coords: Option<(i32, i32)>,
    pub(super) aliases: Vec<String>,
}

/// A `[[actor]]`: its slug and name are what events need.
pub(super) struct Actor {
    pub(super) slug: String,
    pub(super) name: String,
    pub(super) kind: &'static str,
    /// Country number (index into `World::countries`).
    pub(super) country: Option<usize>,
    pub(super) aliases: Vec<String>,
}

/// Everything the event files refer to, built once from the seed.
pub(super) struct World {
    /// `YYYY-MM-DD` by day offset.
    pub(super) days: Vec<String>,
    /// The number of reports; report `i` is `source:sNNNNNN`, published on day
    /// `i * DAYS / sources` (so reports are in date order).
    pub(super) sources: usize,
    pub(super) outlets: Vec<String>,
    pub(super) places: Vec<Place>,
    /// Country number -> place index.
    pub(super) countries: Vec<usize>,
    /// City number -> (place index, country number); a country's cities are consecutive.
    pub(super) cities: Vec<(usize, usize)>,
    /// Venue number -> (place index, city number).
    pub(super) venues: Vec<(usize, usize)>,
    /// City number -> its venue numbers.
    pub(super) city_venues: Vec<Vec<usize>>,
    pub(super) actors: Vec<Actor>,
    /// Country number -> the actor index of its government, for the first countries.
    pub(super) governments: Vec<usize>,
    /// Cumulative popularity weights by rank, and the actor of each rank.
    pub(super) popularity: Vec<u64>,
    pub(super) by_rank: Vec<usize>,
}

impl World {
    pub(super) fn build(events: usize, rng: &mut Rng) -> World {
        let mut w = World {
            days: super::names::day_table(),
            sources: (events / 50).max(20),
            outlets: Vec::new(),
            places: Vec::new(),
            countries: Vec::new(),
            cities: Vec::new(),
            city_venues: Vec::new(),
            venues: Vec::new(),
            actors: Vec::new(),
            governments: Vec::new(),
            popularity: Vec::new(),
            by_rank: Vec::new(),
        };
        let mut outlets = Taken::default();
        let papers =
            ["Herald", "Times", "Post", "Courier", "Gazette", "Observer", "Tribune", "Chronicle", "Press Agency"];
        w.outlets =
            (0..40).map(|_| outlets.unique(rng, |r| format!("The {} {}", word(r, 2), r.pick(&papers)))).collect();
        w.build_places(events, rng);
        w.build_actors(events, rng);
        w
    }

    fn place(&mut self, name: String, kind: &'static str, within: Option<usize>) -> usize {
        let slug = slug(&name);
        self.places.push(Place { slug, name, kind, within, code: None, coords: None, aliases: Vec::new() });
        self.places.len() - 1
    }

    fn build_places(&mut self, events: usize, rng: &mut Rng) {
        let mut taken = Taken::default();
        let (mut country_codes, mut airport_codes) = (HashSet::new(), HashSet::new());
        let mut regions = Vec::new();
        for _ in 0..CONTINENTS {
            let name = taken.unique(rng, |r| word(r, 3));
            let continent = self.place(name.clone(), "region", None);
            for side in ["Northern", "Central", "Southern"].iter().take(SUB_REGIONS) {
                let sub = format!("{side} {name}");
                taken.take(&sub);
                regions.push(self.place(sub, "region", Some(continent)));
            }
        }
        let suffixes = ["ia", "land", "stan", "ar", "ova", "ene", "", "", ""];
        for c in 0..COUNTRIES {
            let name = taken.unique(rng, |r| {
                let n = 1 + r.below(2);
                format!("{}{}", word(r, n), r.pick(&suffixes))
            });
            let region = regions[c * regions.len() / COUNTRIES];
            let p = self.place(name.clone(), "country", Some(region));
            self.places[p].code = Some(code(&name, &mut country_codes));
            self.places[p].coords = Some(coords(rng));
            if rng.chance(30) {
                self.places[p].aliases.push(format!("Republic of {name}"));
            }
            self.countries.push(p);
            for i in 0..CITIES_PER_COUNTRY {
                let city_name = taken.unique(rng, |r| {
                    let n = 2 + r.below(2);
                    word(r, n)
                });
                let city = self.place(city_name.clone(), "city", Some(p));
                self.places[city].coords = Some(coords(rng));
                self.cities.push((city, c));
                self.city_venues.push(Vec::new());
                // Every capital has an airport, a fifth of the other cities too.
                if i == 0 || rng.chance(20) {
                    let airport = self.place(format!("{city_name} International Airport"), "airport", Some(city));
                    self.places[airport].code = Some(code(&city_name, &mut airport_codes));
                }
            }
        }
        let kinds = ["Palace", "Hall", "House", "Convention Center", "Forum", "Conference Center", "Residence"];
        for _ in 0..(events / 20).max(20) {
            // Capitals get more venues than other cities.
            let country = rng.below(COUNTRIES);
            let city = country * CITIES_PER_COUNTRY + if rng.chance(40) { 0 } else { rng.below(CITIES_PER_COUNTRY) };
            let name = taken.unique(rng, |r| format!("{} {}", word(r, 2), r.pick(&kinds)));
            let v = self.place(name, "venue", Some(self.cities[city].0));
            self.city_venues[city].push(self.venues.len());
            self.venues.push((v, city));
        }
    }

    fn build_actors(&mut self, events: usize, rng: &mut Rng) {
        let total = (events / 10).max(50);
        let governments = COUNTRIES.min(total / 5);
        let organizations = total / 20;
        let mut taken = Taken::default();
        for c in 0..governments {
            let country = &self.places[self.countries[c]].name;
            let name = format!("Government of {country}");
            let alias = format!("{country} government");
            taken.take(&name);
            taken.take(&alias);
            let slug = slug(&name);
            self.actors.push(Actor { slug, name, kind: "government", country: Some(c), aliases: vec![alias] });
            self.governments.push(self.actors.len() - 1);
        }
        let bodies = ["Institute", "Development Bank", "Council", "Foundation", "Commission", "Alliance", "Agency"];
        for _ in 0..organizations {
            let name = taken.unique(rng, |r| format!("{} {}", word(r, 2), r.pick(&bodies)));
            let initials: String = name.split(' ').filter_map(|w| w.chars().next()).collect();
            let aliases = if initials.len() >= 2 && taken.take(&initials) { vec![initials] } else { vec![] };
            let country = rng.chance(60).then(|| rng.below(governments));
            self.actors.push(Actor { slug: slug(&name), name, kind: "organization", country, aliases });
        }
        while self.actors.len() < total {
            let first = word(rng, 2);
            let n = 2 + rng.below(2);
            let last = word(rng, n);
            let name = format!("{first} {last}");
            if !taken.take(&name) {
                continue;
            }
            let mut aliases = Vec::new();
            let short = format!("{}. {last}", &first[..1]);
            if rng.chance(40) && taken.take(&short) {
                aliases.push(short);
            }
            // A few names are also written with an accent: search must fold it away.
            if rng.chance(4) && name.contains('a') {
                aliases.push(name.replacen('a', "á", 1));
            }
            let country = Some(rng.below(governments));
            self.actors.push(Actor { slug: slug(&name), name, kind: "person", country, aliases });
        }
        // Popularity: rank k is drawn with weight 1/(k + c), c chosen so that the busiest
        // actor takes BUSIEST_PER_MILLE of the draws (integer arithmetic: reproducible).
        let weights = |c: u64| -> Vec<u64> { (0..total as u64).map(|k| (1u64 << 40) / (k + c)).collect() };
        let busy_enough = |c: u64| {
            let w = weights(c);
            w[0] * 1000 <= BUSIEST_PER_MILLE * w.iter().sum::<u64>()
        };
        let (mut lo, mut hi) = (1u64, 100 * total as u64);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if busy_enough(mid) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        self.popularity = weights(lo)
            .into_iter()
            .scan(0u64, |sum, w| {
                *sum += w;
                Some(*sum)
            })
            .collect();
        self.by_rank = (0..total).collect();
        for i in (1..total).rev() {
            self.by_rank.swap(i, rng.below(i + 1));
        }
    }

    /// An actor drawn by popularity.
    pub(super) fn draw_actor(&self, rng: &mut Rng) -> usize {
        let r = rng.below_u64(*self.popularity.last().expect("actors"));
        self.by_rank[self.popularity.partition_point(|&c| c <= r)]
    }

    pub(super) fn source_id(i: usize) -> String {
        format!("source:s{i:06}")
    }

    /// A report published on or a few days after `day`, and sometimes a second one.
    pub(super) fn sources_after(&self, rng: &mut Rng, day: usize) -> Vec<usize> {
        let first = (day * self.sources / DAYS + rng.below(3)).min(self.sources - 1);
        let mut list = vec![first];
        if rng.chance(40) {
            let second = (first + 1 + rng.below(4)).min(self.sources - 1);
            if second != first {
                list.push(second);
            }
        }
        list
    }

    /// One or two reports anywhere in the period.
    fn any_sources(&self, rng: &mut Rng) -> Vec<usize> {
        let day = rng.below(DAYS);
        self.sources_after(rng, day)
    }

    pub(super) fn sources_toml(&self, rng: &mut Rng) -> String {
        let mut s = String::with_capacity(self.sources * 200);
        for i in 0..self.sources {
            let day = i * DAYS / self.sources;
            let (a, b) = (self.country_name(rng.below(COUNTRIES)), self.country_name(rng.below(COUNTRIES)));
            let topic = rng.pick(TOPICS);
            let title = match rng.below(4) {
                0 => format!("{a} and {b} discuss {topic}"),
                1 => format!("Talks on {topic} continue in {a}"),
                2 => format!("{a} looks to {b} for help with {topic}"),
                _ => format!("{} on the agenda as {a} hosts officials from {b}", capitalise(topic)),
            };
            let _ = write!(
                s,
                "\n[[source]]\nid = \"{}\"\noutlet = {}\ntitle = {}\npublished = \"{}\"\ndocument = \"synthetic/s{i:06}.txt\"\n",
                World::source_id(i),
                quoted(&self.outlets[rng.below(self.outlets.len())]),
                quoted(&title),
                self.days[day],
            );
        }
        s
    }

    pub(super) fn country_name(&self, c: usize) -> &str {
        &self.places[self.countries[c]].name
    }

    pub(super) fn actors_toml(&self, rng: &mut Rng) -> String {
        let mut s = String::with_capacity(self.actors.len() * 300);
        let titles = ["Minister of Foreign Affairs", "Minister of Trade", "President", "Prime Minister", "Ambassador"];
        for a in &self.actors {
            let _ = write!(
                s,
                "\n[[actor]]\nid = \"actor:{}\"\nname = {}\nkind = \"{}\"\n",
                a.slug,
                quoted(&a.name),
                a.kind
            );
            if !a.aliases.is_empty() {
                let list: Vec<String> = a.aliases.iter().map(|x| quoted(x)).collect();
                let _ = writeln!(s, "aliases = [{}]", list.join(", "));
            }
            if let Some(c) = a.country {
                let _ = writeln!(s, "country = \"place:{}\"", self.places[self.countries[c]].slug);
                if a.kind == "person" && rng.chance(50) {
                    let _ = writeln!(s, "summary = \"An official of {}.\"", self.country_name(c));
                }
            }
            let _ = writeln!(s, "sources = {}", source_list(&self.any_sources(rng)));
            if let (Some(c), "person", true) = (a.country, a.kind, rng.chance(30)) {
                let gov = &self.actors[self.governments[c]].slug;
                let _ = write!(
                    s,
                    "\n[[actor.position]]\ntitle = \"{}\"\norganization = \"actor:{gov}\"\n",
                    rng.pick(&titles)
                );
                let start = rng.below(DAYS - 400);
                match rng.below(3) {
                    0 => _ = writeln!(s, "as_of = \"{}\"", self.days[start]),
                    1 => _ = writeln!(s, "start = \"{}\"", self.days[start]),
                    _ => {
                        let end = (start + 100 + rng.below(1500)).min(DAYS - 1);
                        _ = writeln!(s, "start = \"{}\"\nend = \"{}\"", self.days[start], self.days[end]);
                    }
                }
                let _ = writeln!(s, "sources = {}", source_list(&self.sources_after(rng, start)));
            }
        }
        s
    }

    pub(super) fn places_toml(&self) -> String {
        let mut s = String::with_capacity(self.places.len() * 200);
        // Places take their reports from a fixed rotation: no PRNG draw, so adding a place
        // kind later does not reshuffle the events.
        for (i, p) in self.places.iter().enumerate() {
            let _ = write!(
                s,
                "\n[[place]]\nid = \"place:{}\"\nname = {}\nkind = \"{}\"\n",
                p.slug,
                quoted(&p.name),
                p.kind
            );
            if let Some(w) = p.within {
                let _ = writeln!(s, "within = \"place:{}\"", self.places[w].slug);
            }
            if let Some(c) = &p.code {
                let _ = writeln!(s, "code = \"{c}\"");
            }
            if !p.aliases.is_empty() {
                let list: Vec<String> = p.aliases.iter().map(|x| quoted(x)).collect();
                let _ = writeln!(s, "aliases = [{}]", list.join(", "));
            }
            if let Some((lat, lon)) = p.coords {
                let _ = writeln!(s, "latitude = {}\nlongitude = {}", hundredths(lat), hundredths(lon));
            }
            let _ = writeln!(s, "sources = [\"{}\"]", World::source_id(i * 7919 % self.sources));
        }
        s
    }
}

/// Random coordinates, in hundredths of a degree.
fn coords(rng: &mut Rng) -> (i32, i32) {
    (rng.below(13_000) as i32 - 6_000, rng.below(36_000) as i32 - 18_000)
}

/// `-12.05` from `-1205`.
fn hundredths(v: i32) -> String {
    let sign = if v < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", v.unsigned_abs() / 100, v.unsigned_abs() % 100)
}

/// `["source:s000001", "source:s000002"]`.
pub(super) fn source_list(sources: &[usize]) -> String {
    let ids: Vec<String> = sources.iter().map(|&i| format!("\"{}\"", World::source_id(i))).collect();
    format!("[{}]", ids.join(", "))
}
