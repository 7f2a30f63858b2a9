//! The bytes of a journal file: the header, the record frame, and the scan that reads
//! them back and decides where the whole records end. Pure functions over bytes; the file
//! is read and written elsewhere.

/// The first eight bytes of every journal file.
pub const MAGIC: [u8; 8] = *b"DGJOURNL";
/// The format version this build writes, and the newest it reads.
pub const VERSION: u32 = 1;
/// Bytes of the header: magic, version, base sequence number, checksum.
pub const HEADER_LEN: usize = 24;
/// Bytes of a record's frame before its payload: length, sequence number, checksum.
pub const FRAME_LEN: usize = 16;
/// The largest payload a record may carry (64 MiB).
pub const MAX_PAYLOAD: usize = 64 << 20;

/// The header of a new journal whose first record will be `base_seq + 1`.
pub fn header(base_seq: u64) -> [u8; HEADER_LEN] {
    let mut out = [0u8; HEADER_LEN];
    out[..8].copy_from_slice(&MAGIC);
    out[8..12].copy_from_slice(&VERSION.to_le_bytes());
    out[12..20].copy_from_slice(&base_seq.to_le_bytes());
    let crc = crc32c::crc32c(&out[..20]);
    out[20..].copy_from_slice(&crc.to_le_bytes());
    out
}

/// The checksum of record `seq` holding `payload`: the CRC32C of its length (`u32`), its
/// sequence number (`u64`, both little-endian) and the payload. The file frames records with
/// it, and a log kept elsewhere (PostgreSQL) stores it beside each record.
pub fn record_crc(seq: u64, payload: &[u8]) -> u32 {
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX).to_le_bytes();
    crc32c::crc32c_append(crc32c::crc32c_append(crc32c::crc32c(&len), &seq.to_le_bytes()), payload)
}

/// Appends the frame of one record to `out`: its length, its sequence number, the CRC32C of
/// both and of the payload, then the payload.
pub fn frame(seq: u64, payload: &[u8], out: &mut Vec<u8>) {
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX).to_le_bytes();
    let crc = record_crc(seq, payload);
    out.extend_from_slice(&len);
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(payload);
}

/// What a scan of a file's bytes found.
#[derive(Debug, PartialEq, Eq)]
pub struct Scan {
    /// The sequence number before the first record (0 for a journal never compacted).
    pub base_seq: u64,
    /// Each whole record: its sequence number and the byte range of its payload.
    pub records: Vec<(u64, std::ops::Range<usize>)>,
    /// Bytes of the file that hold the header and the whole records.
    pub whole_len: usize,
    /// Why the bytes past `whole_len` were cut off (a torn or corrupt tail), if any were.
    pub cut: Option<&'static str>,
}

/// Why a file cannot be read as a journal.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The file does not start with [`MAGIC`].
    NotAJournal,
    /// The header names a version newer than [`VERSION`].
    NewerVersion(u32),
    /// The record at this offset is damaged and whole records follow it.
    Corrupt { offset: usize, reason: &'static str },
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(b)
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(b)
}

/// The record framed at `at`, if a whole one with a good checksum is there: its sequence
/// number and its payload's range. `Err` says what is wrong.
fn record_at(bytes: &[u8], at: usize) -> Result<(u64, std::ops::Range<usize>), &'static str> {
    if bytes.len() - at < FRAME_LEN {
        return Err("torn frame");
    }
    let len = u32_at(bytes, at) as usize;
    if len > MAX_PAYLOAD {
        return Err("length out of range");
    }
    let start = at + FRAME_LEN;
    if bytes.len() - start < len {
        return Err("record runs past the end of the file");
    }
    let crc = crc32c::crc32c_append(crc32c::crc32c(&bytes[at..at + 12]), &bytes[start..start + len]);
    if crc != u32_at(bytes, at + 12) {
        return Err("checksum mismatch");
    }
    Ok((u64_at(bytes, at + 4), start..start + len))
}

/// Whether a whole record with a plausible sequence number (at least `min_seq`, and no more
/// than one per frame's worth of bytes past it) starts anywhere from `from` on: then damage
/// before it is corruption in the middle of the log, not a torn tail.
fn whole_record_after(bytes: &[u8], from: usize, min_seq: u64) -> bool {
    (from..bytes.len().saturating_sub(FRAME_LEN - 1)).any(|at| {
        let seq = u64_at(bytes, at + 4);
        let most = min_seq.saturating_add(((bytes.len() - at) / FRAME_LEN) as u64);
        (min_seq..=most).contains(&seq) && record_at(bytes, at).is_ok()
    })
}

/// Reads a journal file's bytes: the header, then every whole record in order. A torn or
/// damaged tail (nothing whole after it) is reported in [`Scan::cut`]; damage followed by a
/// whole record is [`Refusal::Corrupt`].
pub fn scan(bytes: &[u8]) -> Result<Scan, Refusal> {
    let empty = |cut| Scan { base_seq: 0, records: Vec::new(), whole_len: 0, cut };
    if bytes.is_empty() {
        return Ok(empty(None));
    }
    let magic = bytes.len().min(MAGIC.len());
    if bytes[..magic] != MAGIC[..magic] {
        return Err(Refusal::NotAJournal);
    }
    if bytes.len() < 12 {
        return Ok(empty(Some("torn header")));
    }
    // The version first: a newer format may lay out the rest differently.
    let version = u32_at(bytes, 8);
    if version > VERSION {
        return Err(Refusal::NewerVersion(version));
    }
    if version == 0 {
        return Err(Refusal::NotAJournal);
    }
    if bytes.len() < HEADER_LEN {
        return Ok(empty(Some("torn header")));
    }
    if crc32c::crc32c(&bytes[..20]) != u32_at(bytes, 20) {
        // The header is written with the first record, so a damaged header followed by a
        // whole record is corruption; alone, it is a first append torn by a crash.
        return match whole_record_after(bytes, HEADER_LEN, 1) {
            true => Err(Refusal::Corrupt { offset: 0, reason: "header checksum mismatch" }),
            false => Ok(empty(Some("damaged header"))),
        };
    }
    let base_seq = u64_at(bytes, 12);
    let mut scan = Scan { base_seq, records: Vec::new(), whole_len: HEADER_LEN, cut: None };
    let mut at = HEADER_LEN;
    while at < bytes.len() {
        let expected = base_seq + scan.records.len() as u64 + 1;
        let problem = match record_at(bytes, at) {
            Ok((seq, payload)) if seq == expected => {
                at = payload.end;
                scan.records.push((seq, payload));
                scan.whole_len = at;
                continue;
            }
            Ok(_) => "sequence number out of order",
            Err(problem) => problem,
        };
        if whole_record_after(bytes, at + 1, expected) {
            return Err(Refusal::Corrupt { offset: at, reason: problem });
        }
        scan.cut = Some(problem);
        break;
    }
    Ok(scan)
}
