//! "Once per php-fpm master": a few words of memory the master shares with
//! every worker it forks, so that a warning a worker finds (its token file
//! unreadable, its pool's settings wrong) is logged by the first worker that
//! finds it, not by each of the hundreds a busy pool forks in a day.
//!
//! The page is mapped at MINIT, in the master, shared and anonymous: every
//! worker inherits the mapping across `fork()`, and a reload (which execs the
//! master afresh) starts with a clean one. Each slot holds the hash of a line
//! already logged; a worker claims a free slot with one compare-and-swap.

use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

/// Distinct lines a master logs once each. A line beyond that is not logged
/// at all: by then the log has said enough.
const SLOTS: usize = 64;

type Table = [AtomicU64; SLOTS];

static TABLE: AtomicPtr<Table> = AtomicPtr::new(ptr::null_mut());

/// Maps the shared table, in the master at MINIT. Without it (the mapping
/// failed, or a SAPI that does not fork), [`first_time`] says yes each time.
pub fn create() {
    if !TABLE.load(Ordering::Acquire).is_null() {
        return;
    }
    // SAFETY: a fresh anonymous mapping, no file, no fixed address; the
    // kernel fills it with zeros, a valid `[AtomicU64; SLOTS]` (all free).
    let page = unsafe {
        libc::mmap(
            ptr::null_mut(),
            size_of::<Table>(),
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if page != libc::MAP_FAILED {
        // Never unmapped: it lives as long as the process, and workers
        // inherit it.
        TABLE.store(page.cast(), Ordering::Release);
    }
}

/// Whether `line` is logged for the first time in this master's life; marks
/// it as logged.
pub fn first_time(line: &[u8]) -> bool {
    let table = TABLE.load(Ordering::Acquire);
    // SAFETY: null or the table `create` mapped, never unmapped.
    let Some(table) = (unsafe { table.as_ref() }) else {
        return true;
    };
    // Zero marks a free slot, so no line hashes to it.
    let key = fnv1a(line) | 1;
    for slot in table {
        match slot.compare_exchange(0, key, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return true,
            Err(taken) if taken == key => return false,
            Err(_) => {}
        }
    }
    false
}

/// FNV-1a, 64 bits: a line's fingerprint, not a secret.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
