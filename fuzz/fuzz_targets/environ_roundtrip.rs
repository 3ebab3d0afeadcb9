//! Round trip on structured input: any list of entries the format can carry
//! (valid, unique names; values of any byte but NUL) survives
//! `environ::format` then `environ::parse` unchanged, with nothing skipped.

#![no_main]

use std::collections::HashSet;

use aws_env::environ::{self, Entry};
use libfuzzer_sys::fuzz_target;

const FIRST: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
const REST: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789";

/// Maps arbitrary bytes onto a valid name, so that the fuzzer explores
/// values and list shapes instead of rediscovering the name rules.
fn name_from(raw: &[u8]) -> Option<String> {
    let (first, rest) = raw.split_first()?;
    let mut name = String::with_capacity(raw.len());
    name.push(char::from(FIRST[usize::from(*first) % FIRST.len()]));
    name.extend(
        rest.iter()
            .map(|b| char::from(REST[usize::from(*b) % REST.len()])),
    );
    Some(name)
}

fuzz_target!(|raw: Vec<(Vec<u8>, Vec<u8>)>| {
    let mut seen = HashSet::new();
    let pairs: Vec<(String, Vec<u8>)> = raw
        .into_iter()
        .filter_map(|(name, value)| {
            let name = name_from(&name)?;
            let value = value.into_iter().filter(|b| *b != 0).collect();
            seen.insert(name.clone()).then_some((name, value))
        })
        .collect();
    let entries: Vec<Entry<'_>> = pairs
        .iter()
        .map(|(name, value)| Entry { name, value })
        .collect();

    let bytes = environ::format(entries.iter().copied());
    let parsed = environ::parse(&bytes);
    assert_eq!(parsed.entries, entries);
    assert_eq!(parsed.skipped.total(), 0);

    // Without the final NUL (the kernel always writes it; a hand-made file
    // may not) the same entries come back.
    let trimmed = bytes.strip_suffix(&[0]).unwrap_or(&bytes);
    assert_eq!(environ::parse(trimmed).entries, entries);
});
