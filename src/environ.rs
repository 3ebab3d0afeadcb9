//! Environ-format bytes: `NAME=VALUE` entries separated by NUL bytes, the way
//! the kernel writes `/proc/<pid>/environ`.
//!
//! Parsing never fails: every malformed piece is skipped and counted, so that
//! the diagnostics can say what was wrong without ever showing a value.

use std::collections::HashSet;

/// One well-formed entry. The value may hold any byte but NUL, UTF-8 or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    pub name: &'a str,
    pub value: &'a [u8],
}

/// What the parser skipped, by reason. Counts only: never names or values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    /// A chunk between NULs that has no `=` at all.
    pub without_equals: usize,
    /// A name that is empty (a leading `=`) or not `[A-Za-z_][A-Za-z0-9_]*`.
    pub invalid_name: usize,
    /// A later entry for a name seen before: like `getenv()`, the first wins.
    pub duplicate: usize,
}

impl Skipped {
    pub fn total(&self) -> usize {
        self.without_equals + self.invalid_name + self.duplicate
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Parsed<'a> {
    /// Entries in file order, one per name, empty values included: whether an
    /// empty value counts is the caller's policy, not the format's.
    pub entries: Vec<Entry<'a>>,
    pub skipped: Skipped,
}

/// The bytes a name may hold after its first: `[A-Za-z0-9_]`. A table, since
/// every name of a large environ goes through it.
const NAME_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'_';
        byte += 1;
    }
    table
};

/// Whether `name` is a portable environment variable name. Anything else
/// (spaces, dashes, non-ASCII) is refused rather than passed on, since a
/// worker could not rely on it anyway.
pub fn is_valid_name(name: &[u8]) -> bool {
    match name.split_first() {
        Some((first, rest)) => {
            !first.is_ascii_digit()
                && NAME_BYTE[usize::from(*first)]
                && rest.iter().all(|&b| NAME_BYTE[usize::from(b)])
        }
        None => false,
    }
}

/// What one chunk between NULs holds.
#[derive(Debug, PartialEq, Eq)]
enum Chunk<'a> {
    WithoutEquals,
    InvalidName,
    Entry { name: &'a [u8], value: &'a [u8] },
}

/// Finds a chunk's first `=` and checks the name on the way: one pass over
/// the name, which every entry has, instead of a search and a check. `=` is
/// not a name byte, so the pass is one table look-up per byte.
fn classify(chunk: &[u8]) -> Chunk<'_> {
    let end = chunk
        .iter()
        .position(|&byte| !NAME_BYTE[usize::from(byte)])
        .unwrap_or(chunk.len());
    match chunk.get(end) {
        Some(b'=') => {
            // Every byte before it is a name byte; a name also needs a first
            // one, and one that is not a digit.
            let name = &chunk[..end];
            match name.first() {
                Some(first) if !first.is_ascii_digit() => Chunk::Entry {
                    name,
                    value: &chunk[end + 1..],
                },
                _ => Chunk::InvalidName,
            }
        }
        // Not a name: all that is left to tell is whether an `=` follows,
        // which memchr finds faster in a long run of junk.
        Some(_) => match memchr::memchr(b'=', &chunk[end..]) {
            Some(_) => Chunk::InvalidName,
            None => Chunk::WithoutEquals,
        },
        None => Chunk::WithoutEquals,
    }
}

/// The non-empty chunks between NUL bytes. memchr, not a byte-by-byte split:
/// a large value is most of what a large environ holds.
fn chunks(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut start = 0;
    memchr::memchr_iter(0, bytes)
        .chain(std::iter::once(bytes.len()))
        .map(move |end| {
            let chunk = &bytes[start..end];
            start = end + 1;
            chunk
        })
        .filter(|chunk| !chunk.is_empty())
}

/// Parses environ bytes. Empty chunks (runs of NULs, the final NUL, or an
/// empty input) are not entries and are not counted as malformed; a missing
/// final NUL is accepted.
pub fn parse(bytes: &[u8]) -> Parsed<'_> {
    if bytes.is_empty() {
        return Parsed::default();
    }
    let mut parsed = Parsed {
        // One slot per 64 bytes, about a container environment's average
        // entry: most environs then need no regrowth, and a wrong guess costs
        // only one, or at most half the input's size in unused capacity.
        entries: Vec::with_capacity(bytes.len() / 64),
        skipped: Skipped::default(),
    };
    for chunk in chunks(bytes) {
        let (name, value) = match classify(chunk) {
            Chunk::Entry { name, value } => (name, value),
            Chunk::WithoutEquals => {
                parsed.skipped.without_equals += 1;
                continue;
            }
            Chunk::InvalidName => {
                parsed.skipped.invalid_name += 1;
                continue;
            }
        };
        debug_assert!(name.is_ascii());
        // SAFETY: `classify` accepts a name only if every byte of it is one
        // of `[A-Za-z0-9_]`: ASCII, so UTF-8. (Checking again cost a fifth of
        // the parse.)
        let name = unsafe { std::str::from_utf8_unchecked(name) };
        parsed.entries.push(Entry { name, value });
    }
    let before = parsed.entries.len();
    if before <= PAIRWISE_UP_TO {
        // A few entries (a clean environment, a php-fpm pool's): compared
        // pairwise, which costs less than setting up a hash set.
        let mut kept = 0;
        for index in 0..before {
            let entry = parsed.entries[index];
            if !parsed.entries[..kept]
                .iter()
                .any(|seen| seen.name == entry.name)
            {
                parsed.entries[kept] = entry;
                kept += 1;
            }
        }
        parsed.entries.truncate(kept);
    } else {
        // Duplicates go once every entry is known, so that the set is sized
        // once instead of growing entry by entry. foldhash rather than std's
        // SipHash: hashing was most of the cost of a small environ, and its
        // per-process random seed still keeps crafted collisions out of
        // reach.
        let mut seen: HashSet<&str, foldhash::fast::RandomState> =
            HashSet::with_capacity_and_hasher(before, Default::default());
        parsed.entries.retain(|entry| seen.insert(entry.name));
    }
    parsed.skipped.duplicate = before - parsed.entries.len();
    parsed
}

/// Up to this many entries, duplicates are found by comparing the names
/// pairwise (at most 120 comparisons, most of them of lengths).
const PAIRWISE_UP_TO: usize = 16;

/// Formats entries back into environ bytes (each entry NUL-terminated, as the
/// kernel does). Used to build fixtures and to check the parser round-trips.
pub fn format<'a>(entries: impl IntoIterator<Item = Entry<'a>>) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in entries {
        out.extend_from_slice(entry.name.as_bytes());
        out.push(b'=');
        out.extend_from_slice(entry.value);
        out.push(0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipped_total_adds_each_reason_once() {
        let skipped = Skipped {
            without_equals: 2,
            invalid_name: 3,
            duplicate: 5,
        };
        assert_eq!(skipped.total(), 10);
        assert_eq!(Skipped::default().total(), 0);
    }

    fn names<'a>(parsed: &'a Parsed<'a>) -> Vec<&'a str> {
        parsed.entries.iter().map(|e| e.name).collect()
    }

    #[test]
    fn parses_kernel_layout() {
        let parsed = parse(b"PATH=/bin\0AWS_REGION=eu-west-1\0");
        assert_eq!(
            parsed.entries,
            vec![
                Entry {
                    name: "PATH",
                    value: b"/bin"
                },
                Entry {
                    name: "AWS_REGION",
                    value: b"eu-west-1"
                },
            ]
        );
        assert_eq!(parsed.skipped, Skipped::default());
    }

    #[test]
    fn accepts_missing_final_nul() {
        let parsed = parse(b"A=1\0B=2");
        assert_eq!(names(&parsed), ["A", "B"]);
        assert_eq!(parsed.entries[1].value, b"2");
    }

    #[test]
    fn empty_and_nul_only_inputs_have_no_entries_and_no_errors() {
        for input in [&b""[..], b"\0", b"\0\0\0\0"] {
            let parsed = parse(input);
            assert!(parsed.entries.is_empty());
            assert_eq!(parsed.skipped.total(), 0);
        }
    }

    #[test]
    fn value_keeps_every_byte_but_nul_including_equals_and_non_utf8() {
        let parsed = parse(b"X=a=b\xff\xfe\x01 \n\0");
        assert_eq!(parsed.entries[0].value, b"a=b\xff\xfe\x01 \n");
    }

    #[test]
    fn empty_value_is_an_entry() {
        let parsed = parse(b"X=\0");
        assert_eq!(
            parsed.entries,
            vec![Entry {
                name: "X",
                value: b""
            }]
        );
    }

    #[test]
    fn chunk_without_equals_is_skipped_and_counted() {
        let parsed = parse(b"JUNK\0A=1\0");
        assert_eq!(names(&parsed), ["A"]);
        assert_eq!(parsed.skipped.without_equals, 1);
    }

    #[test]
    fn leading_equals_is_an_empty_invalid_name() {
        let parsed = parse(b"=x\0A=1\0");
        assert_eq!(names(&parsed), ["A"]);
        assert_eq!(parsed.skipped.invalid_name, 1);
    }

    #[test]
    fn invalid_name_bytes_are_skipped() {
        let parsed = parse(b"1A=x\0A-B=x\0A B=x\0\xc3\xa9=x\0OK_1=x\0");
        assert_eq!(names(&parsed), ["OK_1"]);
        assert_eq!(parsed.skipped.invalid_name, 4);
    }

    #[test]
    fn first_duplicate_wins_even_when_empty() {
        let parsed = parse(b"A=\0A=second\0A=third\0");
        assert_eq!(
            parsed.entries,
            vec![Entry {
                name: "A",
                value: b""
            }]
        );
        assert_eq!(parsed.skipped.duplicate, 2);
    }

    #[test]
    fn duplicates_go_the_same_way_in_small_and_large_environs() {
        for count in [3, PAIRWISE_UP_TO, PAIRWISE_UP_TO + 1, 40] {
            let bytes: String = (0..count).map(|i| format!("V{}={i}\0", i % 5)).collect();
            let parsed = parse(bytes.as_bytes());
            let distinct = count.min(5);
            assert_eq!(parsed.skipped.duplicate, count - distinct, "{count}");
            let expected: Vec<String> = (0..distinct).map(|i| format!("V{i}={i}")).collect();
            let got: Vec<String> = parsed
                .entries
                .iter()
                .map(|e| format!("{}={}", e.name, String::from_utf8_lossy(e.value)))
                .collect();
            assert_eq!(got, expected, "{count}");
        }
    }

    #[test]
    fn classify_tells_every_kind_of_chunk_apart() {
        let entry = |name: &'static [u8], value: &'static [u8]| Chunk::Entry { name, value };
        assert_eq!(classify(b"A_1=x=y"), entry(b"A_1", b"x=y"));
        assert_eq!(classify(b"_="), entry(b"_", b""));
        assert_eq!(classify(b"JUNK"), Chunk::WithoutEquals);
        assert_eq!(classify(b"NOT A NAME"), Chunk::WithoutEquals);
        assert_eq!(classify(b"=x"), Chunk::InvalidName);
        assert_eq!(classify(b"1A=x"), Chunk::InvalidName);
        assert_eq!(classify(b"A-B=x"), Chunk::InvalidName);
        assert_eq!(classify(b"A B C=x"), Chunk::InvalidName);
        assert_eq!(classify(b"\xff="), Chunk::InvalidName);
    }

    #[test]
    fn name_table_agrees_with_the_rule_for_every_byte() {
        for byte in 0..=u8::MAX {
            let first = byte.is_ascii_alphabetic() || byte == b'_';
            let later = byte.is_ascii_alphanumeric() || byte == b'_';
            assert_eq!(is_valid_name(&[byte]), first, "first byte {byte:#04x}");
            assert_eq!(
                is_valid_name(&[b'A', byte]),
                later,
                "later byte {byte:#04x}"
            );
        }
    }

    #[test]
    fn name_rules() {
        for good in ["A", "_", "_a1", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] {
            assert!(is_valid_name(good.as_bytes()), "{good}");
        }
        for bad in ["", "1A", "A-B", "A.B", "A*", "É"] {
            assert!(!is_valid_name(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn format_then_parse_round_trips() {
        let entries = vec![
            Entry {
                name: "A",
                value: b"x=y",
            },
            Entry {
                name: "B",
                value: b"\xff",
            },
            Entry {
                name: "C",
                value: b"",
            },
        ];
        let bytes = format(entries.clone());
        assert_eq!(bytes, b"A=x=y\0B=\xff\0C=\0");
        assert_eq!(parse(&bytes).entries, entries);
    }
}
