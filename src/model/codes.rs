//! Event codes analysts already use: the PLOVER event type and mode, the CAMEO code, and the
//! CAMEO dyads (who did what to whom) of each event, derived from our kinds, modes, statuses
//! and participant roles by the table below (also in `docs/codes.md`).
//!
//! Sources: the PLOVER manual and its `CAMEO2PLOVER-2021.txt` conversion table
//! (github.com/openeventdata/PLOVER), the CAMEO manual 1.1b3 (Schrodt 2012) and GDELT's
//! `CAMEO.eventcodes.txt` / `CAMEO.goldsteinscale.txt` lookups.
//!
//! | kind                                  | occurred                              | planned          |
//! |---------------------------------------|---------------------------------------|------------------|
//! | meeting, roundtable, tour, ceremony   | CONSULT: `phone`/`virtual` mode -> phone, 041; a host and a guest -> visit, 042; else no mode, 040 | AGREE, 036 |
//! | call                                  | CONSULT phone, 041                    | AGREE, 036       |
//! | visit, trip                           | CONSULT visit, 042                    | AGREE, 036       |
//! | signing                               | SUPPORT, 057                          | AGREE, 032       |
//! | press_conference, announcement        | none (PLOVER dropped CAMEO 01), 010   | none, 010        |
//!
//! A seed record may override either code (`cameo = "046"`, `plover = "CONSULT:multilateral"`);
//! the override wins and the dyad rules then use the overriding CAMEO code.
//!
//! Dyads, in this order of rules (the first that applies):
//! 1. a CAMEO 01 code (a statement): each speaker (else each participant), no target;
//! 2. a signing (kind `signing`, or code 057): each ordered pair of signatories;
//! 3. a host and a guest: guest -> host and host -> guest, 042 and 043 when the code is 042
//!    (CAMEO's linked "make a visit" / "host a visit"), else the event's code both ways;
//! 4. a trip or visit: each traveller, no target (the host is not recorded);
//! 5. otherwise each ordered pair of participants (CAMEO's reciprocal consultations), or the
//!    lone participant with no target.
//!
//! Witnesses are never part of a dyad; an actor is never paired with itself.

use super::{Event, EventKind, EventMode, EventStatus, NodeId, ParticipantRole};
use std::fmt;

/// A PLOVER event type (the 16 categories of the PLOVER manual).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PloverType {
    Agree,
    Consult,
    Support,
    Concede,
    Cooperate,
    Aid,
    Retreat,
    Request,
    Accuse,
    Reject,
    Threaten,
    Protest,
    Sanction,
    Mobilize,
    Coerce,
    Assault,
}

impl PloverType {
    /// Every type, in the manual's order.
    pub const ALL: &'static [PloverType] = &[
        PloverType::Agree,
        PloverType::Consult,
        PloverType::Support,
        PloverType::Concede,
        PloverType::Cooperate,
        PloverType::Aid,
        PloverType::Retreat,
        PloverType::Request,
        PloverType::Accuse,
        PloverType::Reject,
        PloverType::Threaten,
        PloverType::Protest,
        PloverType::Sanction,
        PloverType::Mobilize,
        PloverType::Coerce,
        PloverType::Assault,
    ];

    /// The manual's spelling: `CONSULT`.
    pub fn as_str(self) -> &'static str {
        match self {
            PloverType::Agree => "AGREE",
            PloverType::Consult => "CONSULT",
            PloverType::Support => "SUPPORT",
            PloverType::Concede => "CONCEDE",
            PloverType::Cooperate => "COOPERATE",
            PloverType::Aid => "AID",
            PloverType::Retreat => "RETREAT",
            PloverType::Request => "REQUEST",
            PloverType::Accuse => "ACCUSE",
            PloverType::Reject => "REJECT",
            PloverType::Threaten => "THREATEN",
            PloverType::Protest => "PROTEST",
            PloverType::Sanction => "SANCTION",
            PloverType::Mobilize => "MOBILIZE",
            PloverType::Coerce => "COERCE",
            PloverType::Assault => "ASSAULT",
        }
    }

    /// The type spelled `text` (as the manual spells it), if any.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == text)
    }

    /// The modes the manual lists for this type (none for AGREE, SUPPORT, CONCEDE,
    /// COOPERATE and AID).
    pub fn modes(self) -> &'static [&'static str] {
        match self {
            PloverType::Consult => &["visit", "third-party", "multilateral", "phone"],
            PloverType::Retreat => &["withdraw", "release", "disarm", "ceasefire", "access", "resign"],
            PloverType::Request | PloverType::Reject => &["assist", "change", "yield", "meet"],
            PloverType::Accuse => &["disapprove", "investigate", "allege"],
            PloverType::Threaten => &["restrict", "arrest", "relations", "expel", "territory", "violence"],
            PloverType::Protest => &["demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"],
            PloverType::Sanction => &["convict", "expel", "withdraw", "discontinue"],
            PloverType::Mobilize => &["troops", "weapons", "police", "militia"],
            PloverType::Coerce => &[
                "seize",
                "restrict",
                "censor",
                "curfew",
                "martial-law",
                "arrest",
                "deport",
                "withhold",
                "misinformation",
                "cyber",
            ],
            PloverType::Assault => &[
                "abduct",
                "beat",
                "torture",
                "sexual",
                "targeted",
                "destroy",
                "primitive",
                "firearms",
                "explosives",
                "suicide-attack",
                "aerial",
                "drone",
                "heavy-weapons",
                "crowd-control",
                "unconventional",
            ],
            PloverType::Agree | PloverType::Support | PloverType::Concede | PloverType::Cooperate | PloverType::Aid => {
                &[]
            }
        }
    }
}

/// A PLOVER coding: the event type and, where the manual gives one, its mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Plover {
    pub event: PloverType,
    /// One of `event.modes()`.
    pub mode: Option<&'static str>,
}

impl Plover {
    /// Reads `CONSULT` or `CONSULT:visit` (a mode the manual lists for that type).
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let (ty, mode) = match text.split_once(':') {
            Some((t, m)) => (t, Some(m)),
            None => (text, None),
        };
        let event = PloverType::parse(ty).ok_or_else(|| CodeError::PloverType(ty.to_owned()))?;
        let mode = match mode {
            None => None,
            Some(m) => Some(
                event
                    .modes()
                    .iter()
                    .copied()
                    .find(|&x| x == m)
                    .ok_or_else(|| CodeError::PloverMode(text.to_owned()))?,
            ),
        };
        Ok(Plover { event, mode })
    }
}

impl fmt::Display for Plover {
    /// `CONSULT` or `CONSULT:visit`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mode {
            Some(m) => write!(f, "{}:{m}", self.event.as_str()),
            None => f.write_str(self.event.as_str()),
        }
    }
}

/// A CAMEO event code: two to four digits, its first two the root category 01 to 20
/// (`"042"`). Kept as text, since the leading zero matters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CameoCode {
    digits: [u8; 4],
    len: u8,
}

/// Why a `cameo` or `plover` value of a seed record was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Not two to four digits with a root from 01 to 20.
    #[error("`{0}` is not a CAMEO event code: write two to four digits, the first two from 01 to 20 (`042`)")]
    Cameo(String),
    /// Not one of PLOVER's sixteen event types.
    #[error("`{0}` is not a PLOVER event type: expected one of AGREE, CONSULT, SUPPORT, CONCEDE, COOPERATE, AID, RETREAT, REQUEST, ACCUSE, REJECT, THREATEN, PROTEST, SANCTION, MOBILIZE, COERCE, ASSAULT")]
    PloverType(String),
    /// A mode the manual does not list for that type.
    #[error("`{0}` is not a PLOVER mode of that event type (write `TYPE` or `TYPE:mode`, e.g. `CONSULT:visit`)")]
    PloverMode(String),
}

impl CameoCode {
    const fn new(text: &str) -> Self {
        let b = text.as_bytes();
        let mut digits = [0u8; 4];
        let mut i = 0;
        while i < b.len() {
            digits[i] = b[i];
            i += 1;
        }
        CameoCode { digits, len: b.len() as u8 }
    }

    /// Reads a code such as `"042"` or `"0214"`.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let bad = || CodeError::Cameo(text.to_owned());
        if !(2..=4).contains(&text.len()) || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let root: u8 = text[..2].parse().map_err(|_| bad())?;
        if !(1..=20).contains(&root) {
            return Err(bad());
        }
        Ok(Self::new(text))
    }

    /// The code as written: `"042"`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.digits[..self.len as usize]).unwrap_or("")
    }

    /// The root category (its first two digits): `"04"`.
    pub fn root(&self) -> &str {
        &self.as_str()[..2]
    }

    /// The level-two code (its first three digits, or the code itself when shorter): `"042"`.
    pub fn base(&self) -> &str {
        let s = self.as_str();
        &s[..s.len().min(3)]
    }

    /// GDELT's QuadClass: 1 verbal cooperation (roots 01-04), 2 material cooperation (05-08),
    /// 3 verbal conflict (09-13), 4 material conflict (14-20).
    pub fn quad_class(&self) -> u8 {
        match self.root().parse::<u8>().unwrap_or(1) {
            0..=4 => 1,
            5..=8 => 2,
            9..=13 => 3,
            _ => 4,
        }
    }

    /// The CAMEO description and Goldstein score of the codes of roots 01, 03, 04 and 05
    /// (those events of ours can have); `None` for other codes.
    pub fn known(&self) -> Option<(&'static str, f32)> {
        KNOWN.iter().find(|(c, _, _)| *c == self.as_str()).map(|&(_, d, g)| (d, g))
    }
}

impl fmt::Debug for CameoCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CameoCode({})", self.as_str())
    }
}

impl fmt::Display for CameoCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// CAMEO codes (GDELT's `CAMEO.eventcodes.txt`) with their Goldstein scores
/// (`CAMEO.goldsteinscale.txt`), for the roots our events can be coded in.
const KNOWN: &[(&str, &str, f32)] = &[
    ("010", "Make statement, not specified below", 0.0),
    ("011", "Decline comment", -0.1),
    ("012", "Make pessimistic comment", -0.4),
    ("013", "Make optimistic comment", 0.4),
    ("014", "Consider policy option", 0.0),
    ("015", "Acknowledge or claim responsibility", 0.0),
    ("016", "Deny responsibility", -2.0),
    ("017", "Engage in symbolic act", 0.0),
    ("018", "Make empathetic comment", 3.4),
    ("019", "Express accord", 3.4),
    ("030", "Express intent to cooperate, not specified below", 4.0),
    ("031", "Express intent to engage in material cooperation", 5.2),
    ("032", "Express intent to engage in diplomatic cooperation (such as policy support)", 4.5),
    ("033", "Express intent to provide material aid", 5.2),
    ("036", "Express intent to meet or negotiate", 4.0),
    ("037", "Express intent to settle dispute", 5.0),
    ("038", "Express intent to accept mediation", 7.0),
    ("039", "Express intent to mediate", 5.0),
    ("040", "Consult, not specified below", 1.0),
    ("041", "Discuss by telephone", 1.0),
    ("042", "Make a visit", 1.9),
    ("043", "Host a visit", 2.8),
    ("044", "Meet at a 'third' location", 2.5),
    ("045", "Mediate", 5.0),
    ("046", "Engage in negotiation", 7.0),
    ("050", "Engage in diplomatic cooperation, not specified below", 3.5),
    ("051", "Praise or endorse", 3.4),
    ("052", "Defend verbally", 3.5),
    ("053", "Rally support on behalf of", 3.8),
    ("054", "Grant diplomatic recognition", 6.0),
    ("055", "Apologize", 7.0),
    ("056", "Forgive", 7.0),
    ("057", "Sign formal agreement", 8.0),
];

/// A seed record's own codes, which win over the derived ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CodeOverride {
    pub cameo: Option<CameoCode>,
    pub plover: Option<Plover>,
}

/// An event's codes: its PLOVER coding (none for statements, which PLOVER dropped) and its
/// CAMEO code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EventCodes {
    pub plover: Option<Plover>,
    pub cameo: CameoCode,
}

/// One CAMEO dyad: `source` did `cameo` to `target` (none when there is no recipient).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dyad {
    pub source: NodeId,
    pub target: Option<NodeId>,
    pub cameo: CameoCode,
}

const C010: CameoCode = CameoCode::new("010");
const C032: CameoCode = CameoCode::new("032");
const C036: CameoCode = CameoCode::new("036");
const C040: CameoCode = CameoCode::new("040");
const C041: CameoCode = CameoCode::new("041");
const C042: CameoCode = CameoCode::new("042");
const C043: CameoCode = CameoCode::new("043");
const C057: CameoCode = CameoCode::new("057");

impl Event {
    /// This event's PLOVER and CAMEO codes: the table of the module docs, then the seed's
    /// overrides.
    pub fn codes(&self) -> EventCodes {
        let derived = self.derived_codes();
        EventCodes {
            plover: self.code_override.plover.or(derived.plover),
            cameo: self.code_override.cameo.unwrap_or(derived.cameo),
        }
    }

    fn has_role(&self, role: ParticipantRole) -> bool {
        self.participants.iter().any(|p| p.role == role)
    }

    fn derived_codes(&self) -> EventCodes {
        use EventKind::*;
        let consult = |mode: Option<&'static str>, cameo| EventCodes {
            plover: Some(Plover { event: PloverType::Consult, mode }),
            cameo,
        };
        let planned = self.status == EventStatus::Planned;
        match self.kind {
            PressConference | Announcement => EventCodes { plover: None, cameo: C010 },
            Signing if planned => {
                EventCodes { plover: Some(Plover { event: PloverType::Agree, mode: None }), cameo: C032 }
            }
            _ if planned => EventCodes { plover: Some(Plover { event: PloverType::Agree, mode: None }), cameo: C036 },
            Signing => EventCodes { plover: Some(Plover { event: PloverType::Support, mode: None }), cameo: C057 },
            Call => consult(Some("phone"), C041),
            Visit | Trip => consult(Some("visit"), C042),
            Meeting | Roundtable | Tour | Ceremony => {
                if matches!(self.mode, EventMode::Phone | EventMode::Virtual) {
                    consult(Some("phone"), C041)
                } else if self.has_role(ParticipantRole::Host) && self.has_role(ParticipantRole::Guest) {
                    consult(Some("visit"), C042)
                } else {
                    consult(None, C040)
                }
            }
        }
    }

    /// Who did what to whom, by the rules of the module docs, in participant order.
    pub fn dyads(&self) -> Vec<Dyad> {
        let code = self.codes().cameo;
        let with = |role: ParticipantRole| -> Vec<NodeId> {
            let mut out: Vec<NodeId> = Vec::new();
            for p in self.participants.iter().filter(|p| p.role == role) {
                if !out.contains(&p.actor) {
                    out.push(p.actor);
                }
            }
            out
        };
        let mut actors: Vec<NodeId> = Vec::new();
        for p in self.participants.iter().filter(|p| p.role != ParticipantRole::Witness) {
            if !actors.contains(&p.actor) {
                actors.push(p.actor);
            }
        }
        let alone = |list: &[NodeId]| list.iter().map(|&a| Dyad { source: a, target: None, cameo: code }).collect();
        let pairs = |list: &[NodeId]| {
            if list.len() < 2 {
                return alone(list);
            }
            let mut out = Vec::new();
            for &a in list {
                for &b in list.iter().filter(|&&b| b != a) {
                    out.push(Dyad { source: a, target: Some(b), cameo: code });
                }
            }
            out
        };
        if code.root() == "01" {
            let speakers = with(ParticipantRole::Speaker);
            return alone(if speakers.is_empty() { &actors } else { &speakers });
        }
        if self.kind == EventKind::Signing || code == C057 {
            return pairs(&with(ParticipantRole::Signatory));
        }
        let (hosts, guests) = (with(ParticipantRole::Host), with(ParticipantRole::Guest));
        if !hosts.is_empty() && !guests.is_empty() {
            let (visit, host) = if code == C042 { (C042, C043) } else { (code, code) };
            let mut out = Vec::new();
            for &g in &guests {
                for &h in hosts.iter().filter(|&&h| h != g) {
                    out.push(Dyad { source: g, target: Some(h), cameo: visit });
                }
            }
            for &h in &hosts {
                for &g in guests.iter().filter(|&&g| g != h) {
                    out.push(Dyad { source: h, target: Some(g), cameo: host });
                }
            }
            return out;
        }
        if matches!(self.kind, EventKind::Trip | EventKind::Visit) {
            return alone(&actors);
        }
        pairs(&actors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cameo_codes_keep_their_leading_zero_and_hierarchy() {
        let c = CameoCode::parse("0214").unwrap();
        assert_eq!((c.as_str(), c.base(), c.root(), c.quad_class()), ("0214", "021", "02", 1));
        assert_eq!(CameoCode::parse("057").unwrap().quad_class(), 2);
        assert_eq!(CameoCode::parse("190").unwrap().quad_class(), 4);
        assert_eq!(C057.known(), Some(("Sign formal agreement", 8.0)));
        for bad in ["42", "0", "00", "210", "04a", "04211", ""] {
            assert!(CameoCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn plover_reads_type_and_listed_mode_only() {
        assert_eq!(Plover::parse("CONSULT:visit").unwrap().to_string(), "CONSULT:visit");
        assert_eq!(Plover::parse("AGREE").unwrap(), Plover { event: PloverType::Agree, mode: None });
        assert!(matches!(Plover::parse("CONSULT:dinner"), Err(CodeError::PloverMode(_))));
        assert!(matches!(Plover::parse("consult"), Err(CodeError::PloverType(_))));
        assert!(matches!(Plover::parse("AGREE:visit"), Err(CodeError::PloverMode(_))));
    }
}
