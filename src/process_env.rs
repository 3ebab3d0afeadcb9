//! The process environment: read once at start-up, written when injecting.
//!
//! This is the one module that writes the environment, which libc does not
//! synchronise: see the safety contract of [`Injector::inject_missing`].

use std::ffi::{CStr, CString, c_char};
use std::mem::ManuallyDrop;
use std::ptr::NonNull;
use std::sync::OnceLock;
use std::sync::atomic::AtomicPtr;

use crate::capture::CapturedVar;

/// The current environment in environ format, so that it goes through the
/// same parser as a file source.
///
/// It reads the `environ` that libc's `getenv()` and `setenv()` use, not the
/// one `std::env::vars_os()` reads. Upstream PHP loads extensions with
/// `RTLD_DEEPBIND`, which binds this library's `environ` to libc's own
/// definition; but an executable with a copy relocation of `environ` (as the
/// `php` and `php-fpm` built from PHP's sources have) holds the live one, and
/// libc's own definition then stays empty for the life of the process.
pub fn environ_bytes() -> Vec<u8> {
    let mut bytes = Vec::new();
    // SAFETY: callers run where nothing writes the environment meanwhile
    // (module start-up), and each entry is copied at once.
    for entry in unsafe { entries(live_environ()) } {
        // SAFETY: every entry of the array is a NUL-terminated string.
        bytes.extend_from_slice(unsafe { CStr::from_ptr(entry) }.to_bytes());
        bytes.push(0);
    }
    bytes
}

/// The entry pointers of an environ array, up to its NULL terminator; none
/// for a null array (after `clearenv()`).
///
/// # Safety
///
/// `array` is null or a NULL-terminated array that nothing writes while the
/// iterator is in use.
unsafe fn entries(array: *const *const c_char) -> impl Iterator<Item = *const c_char> {
    let mut cursor = array;
    std::iter::from_fn(move || {
        if cursor.is_null() {
            return None;
        }
        // SAFETY: the caller guarantees a NULL-terminated array, and the
        // cursor never moves past its terminator.
        let entry = unsafe { *cursor };
        if entry.is_null() {
            cursor = std::ptr::null();
            return None;
        }
        // SAFETY: `entry` was not the terminator, so the next slot exists.
        cursor = unsafe { cursor.add(1) };
        Some(entry)
    })
}

/// The `environ` array that the global symbol scope, which libc's own
/// references were bound through, resolves to: the executable's copy if it
/// has one, else libc's.
fn live_environ() -> *const *const c_char {
    // SAFETY: the slot is the address of the `environ` variable itself,
    // which lives as long as the program.
    unsafe { *environ_slot() }
}

/// The address of that `environ` variable. It never moves, so it is looked
/// up once per process, the first time it is needed: the main program's, if
/// it defines one (a copy relocation, as in the `php` and `php-fpm` built
/// from PHP's sources), else libc's own, which this library's reference
/// binds to.
///
/// Looking the name up in the main program's own symbol table, not with
/// `dlopen(NULL)` and `dlsym`, spares every start-up a search through all
/// of the process's objects and the dynamic linker two imports to resolve
/// at load (about 4,000 instructions of a `php -r ''` in all).
/// (`dlsym(RTLD_DEFAULT)` would not do: for a library loaded with
/// `RTLD_DEEPBIND` it searches the library's own scope first, and finds
/// libc's `environ` even when the program has a copy.)
fn environ_slot() -> *const *const *const c_char {
    static SLOT: OnceLock<usize> = OnceLock::new();
    *SLOT.get_or_init(|| main_program_environ().unwrap_or(own_environ_slot() as usize))
        as *const *const *const c_char
}

/// libc's own `environ`, which this library's references bind to.
fn own_environ_slot() -> *const *const *const c_char {
    unsafe extern "C" {
        static environ: *const *const c_char;
    }
    &raw const environ
}

/// The address of `environ` if the main program defines it, from the main
/// program's dynamic symbol table.
fn main_program_environ() -> Option<usize> {
    let mut found: Option<usize> = None;
    // SAFETY: the callback gets each loaded object's program headers, the
    // main program's first, and stops after it; `found` outlives the call.
    unsafe {
        libc::dl_iterate_phdr(Some(first_object), (&raw mut found).cast());
    }
    found
}

/// `dl_iterate_phdr`'s callback: looks `environ` up in the first object it
/// is given, the main program, and stops there.
unsafe extern "C" fn first_object(
    info: *mut libc::dl_phdr_info,
    _size: usize,
    found: *mut std::ffi::c_void,
) -> std::ffi::c_int {
    // SAFETY: `info` describes a loaded object, whose program headers and
    // dynamic section are mapped for as long as it is loaded (the main
    // program: always); `found` is the `Option` `main_program_environ`
    // passed.
    unsafe {
        *found.cast::<Option<usize>>() = defined_in(&*info, c"environ");
    }
    1
}

/// An ELF dynamic section entry, for either word size.
#[repr(C)]
struct Dyn {
    tag: isize,
    value: usize,
}

#[cfg(target_pointer_width = "64")]
type Sym = libc::Elf64_Sym;
#[cfg(target_pointer_width = "32")]
type Sym = libc::Elf32_Sym;

const DT_NULL: isize = 0;
const DT_HASH: isize = 4;
const DT_STRTAB: isize = 5;
const DT_SYMTAB: isize = 6;
const DT_GNU_HASH: isize = 0x6fff_fef5;

/// The address of `name` if the object `info` describes defines it in its
/// dynamic symbol table.
///
/// # Safety
///
/// `info` describes a loaded object (see `first_object`).
unsafe fn defined_in(info: &libc::dl_phdr_info, name: &CStr) -> Option<usize> {
    let base = info.dlpi_addr as usize;
    // SAFETY: the object's program headers, `dlpi_phnum` of them.
    let headers =
        unsafe { std::slice::from_raw_parts(info.dlpi_phdr, usize::from(info.dlpi_phnum)) };
    let dynamic = headers
        .iter()
        .find(|header| header.p_type == libc::PT_DYNAMIC)?;
    // glibc stores the dynamic section's addresses relocated, musl as
    // written: an address below the load address is still relative to it.
    let address = |value: usize| if value < base { base + value } else { value };
    let mut entry = (base + dynamic.p_vaddr as usize) as *const Dyn;
    let (mut symbols, mut strings, mut gnu_hash, mut hash) = (0, 0, 0, 0);
    loop {
        // SAFETY: the dynamic section is an array of entries ending with
        // DT_NULL.
        let Dyn { tag, value } = unsafe { entry.read() };
        match tag {
            DT_NULL => break,
            DT_SYMTAB => symbols = address(value),
            DT_STRTAB => strings = address(value),
            DT_GNU_HASH => gnu_hash = address(value),
            DT_HASH => hash = address(value),
            _ => {}
        }
        // SAFETY: not the terminator, so another entry follows.
        entry = unsafe { entry.add(1) };
    }
    if symbols == 0 || strings == 0 {
        return None;
    }
    let symbols = symbols as *const Sym;
    let matches = |index: usize| {
        // SAFETY: `index` comes from the object's own hash table, so it
        // names one of its symbols, whose name is in its string table.
        let symbol = unsafe { &*symbols.add(index) };
        // SAFETY: as above: `st_name` is an offset into that string table.
        let symbol_name =
            unsafe { CStr::from_ptr((strings + symbol.st_name as usize) as *const c_char) };
        (symbol_name == name && symbol.st_shndx != 0).then(|| base + symbol.st_value as usize)
    };
    if gnu_hash != 0 {
        // SAFETY: a GNU hash table as the object's linker wrote it.
        unsafe { find_in_gnu_hash(gnu_hash, name, matches) }
    } else if hash != 0 {
        // A SysV hash table: its second word is the number of symbols.
        // SAFETY: a SysV hash table as the object's linker wrote it.
        let count = unsafe { (hash as *const u32).add(1).read() } as usize;
        (1..count).find_map(matches)
    } else {
        None
    }
}

/// Looks `name` up in a GNU hash table: buckets of symbol indices, and a
/// chain of hashes whose lowest bit ends a bucket.
///
/// # Safety
///
/// `table` is the address of the GNU hash table of a loaded object.
unsafe fn find_in_gnu_hash(
    table: usize,
    name: &CStr,
    matches: impl Fn(usize) -> Option<usize>,
) -> Option<usize> {
    let hash = name.to_bytes().iter().fold(5381u32, |hash, &byte| {
        hash.wrapping_mul(33).wrapping_add(u32::from(byte))
    });
    let words = table as *const u32;
    // SAFETY: the header: bucket count, first hashed symbol, bloom filter
    // size (in words of the native size), bloom shift.
    let (buckets, first, bloom_words) = unsafe {
        (
            words.read() as usize,
            words.add(1).read() as usize,
            words.add(2).read() as usize,
        )
    };
    if buckets == 0 {
        return None;
    }
    // SAFETY: the buckets follow the header and the bloom filter, and the
    // chain the buckets; every index read is one the table itself gives.
    unsafe {
        let bucket_array = (table + 16 + bloom_words * size_of::<usize>()) as *const u32;
        let chain = bucket_array.add(buckets);
        let mut index = bucket_array.add(hash as usize % buckets).read() as usize;
        if index < first {
            return None;
        }
        loop {
            let entry = chain.add(index - first).read();
            if (entry | 1) == (hash | 1)
                && let Some(found) = matches(index)
            {
                return Some(found);
            }
            if entry & 1 == 1 {
                return None;
            }
            index += 1;
        }
    }
}

/// The captured variables as ready-made environment entries, made once at
/// start-up (in php-fpm: in the master, so every worker inherits them), and
/// the environment array they were last put into.
///
/// The first injection in a process copies the environment's entry pointers
/// into an array of aws_env's own, puts in the entries of the variables
/// missing or empty there (appended, or in the empty one's place, as
/// `setenv` would), and makes it the live `environ`. Every later call first
/// checks, in O(captured variables), whether the environment is still that
/// array with each captured variable's entry where it was put or found:
///
/// - libc's `setenv`, `putenv` and `unsetenv` write an array they did not
///   allocate only in place: replacing an existing name's entry changes that
///   slot, removing a name moves every later entry down a slot (so a
///   captured entry at or after it moves too). Adding a name copies the whole
///   array into one of libc's own, and `clearenv` sets `environ` to null:
///   either changes the array's address.
/// - the array is never freed while it is the live one, so an unchanged
///   address is this very array, not another one allocated in its place;
/// - `getenv` returns the first entry of a name, and every captured name's
///   first entry is a tracked slot, so if the tracked slots hold what they
///   held, every captured variable still has the value it had.
///
/// So when the check passes, nothing aws_env cares about changed; between the
/// requests of a php-fpm worker that is the usual case (PHP's `putenv()` puts
/// back the very entries it replaced when the request ends). When it fails,
/// the environment is looked at afresh, as on the first call.
pub struct Injector {
    vars: Vec<PreparedVar>,
    /// The address of `environ`, as an address (so the state stays `Send`).
    environ_slot: usize,
    /// The array this injector made the live `environ` last.
    installed: Option<Installed>,
}

struct PreparedVar {
    /// `NAME=value`, NUL-terminated: an entry as the environment holds it.
    /// Once in the environment it must outlive every use of it there, so
    /// only [`Injector`]'s `Drop` decides whether to free it.
    entry: ManuallyDrop<CString>,
    name_len: usize,
    /// aws_env put it in this process's environment.
    injected: bool,
}

impl PreparedVar {
    fn name(&self) -> &[u8] {
        &self.entry.as_bytes()[..self.name_len]
    }

    fn entry_ptr(&self) -> *const c_char {
        self.entry.as_ptr()
    }
}

/// How many slots from the first one aws_env appended on are compared as
/// one block, in one fixed-size comparison: the entries it appended (7 on
/// ECS, 2 to 4 on EKS), then the array's terminating null and the null
/// padding after it, which libc never writes.
const BLOCK: usize = 8;

/// An environment array aws_env allocated, and where the captured variables'
/// entries stood in it when it became the live one, as addresses.
struct Installed {
    /// At least `block_at + BLOCK` slots long, null after the terminator.
    array: NonNull<[*const c_char]>,
    /// The first entry aws_env appended, or the terminator if it appended none.
    block_at: usize,
    block: [usize; BLOCK],
    /// The other tracked slots (found non-empty and kept, found empty and
    /// replaced in place, or appended beyond the block), each with its entry.
    elsewhere: Box<[(usize, usize)]>,
}

// SAFETY: `Installed` owns its array; the raw pointers in it are addresses
// of environment entries, used only under `inject_missing`'s contract.
unsafe impl Send for Installed {}

impl Installed {
    fn array_ptr(&self) -> *const *const c_char {
        self.array.as_ptr() as *const *const c_char
    }

    /// Frees the array, which must no longer be the live environment.
    fn free_array(self) {
        // SAFETY: the array came from `Box::leak` in `inject_afresh`, and
        // `self` is consumed, so it is freed once.
        drop(unsafe { Box::from_raw(self.array.as_ptr()) });
    }

    /// Whether every tracked slot still holds the entry it held.
    ///
    /// # Safety
    ///
    /// No other thread may write the environment during the call.
    #[inline]
    unsafe fn intact(&self) -> bool {
        let slots = self.array_ptr() as *const usize;
        // SAFETY: the block and every other tracked index are within the
        // array, which this injector allocated and keeps alive; libc only
        // rewrites its slots in place (the caller guarantees not meanwhile),
        // so reading them as addresses is sound.
        let block = unsafe { slots.add(self.block_at).cast::<[usize; BLOCK]>().read() };
        // Folded rather than `==`, which becomes a call to `bcmp`: this is
        // a few vector instructions.
        let differ = block
            .iter()
            .zip(&self.block)
            .fold(0, |differ, (now, then)| differ | (now ^ then));
        differ == 0
            && self
                .elsewhere
                .iter()
                // SAFETY: as above.
                .all(|&(index, entry)| unsafe { *slots.add(index) } == entry)
    }
}

impl Injector {
    /// Every captured variable can be prepared: the environ parser gives
    /// names of `[A-Za-z0-9_]` and values without NUL. One that could not be
    /// is left out rather than set wrong.
    pub fn new(vars: &[CapturedVar]) -> Self {
        let vars = vars
            .iter()
            .filter_map(|var| {
                let mut entry = Vec::with_capacity(var.name.len() + 1 + var.value.len() + 1);
                entry.extend_from_slice(var.name.as_bytes());
                entry.push(b'=');
                entry.extend_from_slice(&var.value);
                Some(PreparedVar {
                    entry: ManuallyDrop::new(CString::new(entry).ok()?),
                    name_len: var.name.len(),
                    injected: false,
                })
            })
            .collect();
        Injector {
            vars,
            environ_slot: environ_slot() as usize,
            installed: None,
        }
    }

    fn environ_array(&self) -> *const *const c_char {
        // SAFETY: the slot is the address of the `environ` variable itself,
        // which lives as long as the program.
        unsafe { *(self.environ_slot as *const *const *const c_char) }
    }

    /// Sets each captured variable that the environment lacks or holds
    /// empty. A non-empty value is left alone: it came from the pool's
    /// `env[]`, the FastCGI-independent environment the user chose.
    ///
    /// # Safety
    ///
    /// No other thread may read or write the environment during the call: at
    /// module start-up, or in a php-fpm worker, which serves one request at a
    /// time.
    #[inline]
    pub unsafe fn inject_missing(&mut self) {
        if let Some(installed) = &self.installed {
            // SAFETY: the caller guarantees no concurrent environment access.
            if installed.array_ptr() == self.environ_array() && unsafe { installed.intact() } {
                return;
            }
        } else if self.vars.is_empty() {
            return;
        }
        // SAFETY: as above.
        unsafe { self.inject_afresh() }
    }

    /// The first injection, or one after the environment changed.
    ///
    /// # Safety
    ///
    /// As for [`Self::inject_missing`].
    #[cold]
    #[inline(never)]
    unsafe fn inject_afresh(&mut self) {
        let slot = self.environ_slot as *mut *const *const c_char;
        // SAFETY: a non-null slot is the address of `environ` itself, and the
        // caller guarantees that nothing writes the environment meanwhile.
        let current = unsafe { *slot };
        // SAFETY: as above.
        let found = unsafe { entries(current) }.count();
        let mut array = Vec::with_capacity(found + (self.vars.len() + 1).max(BLOCK));
        // SAFETY: as above.
        array.extend(unsafe { entries(current) });
        let mut elsewhere = Vec::new();
        for var in &mut self.vars {
            // SAFETY: every entry is a NUL-terminated string that stays put
            // while nothing writes the environment.
            match array[..found]
                .iter()
                .position(|&entry| unsafe { is_entry_of(entry, var.name()) })
            {
                // SAFETY: as above; the entry holds `NAME=`, so the byte
                // after it is the value's first, or its terminating NUL.
                Some(index) if unsafe { *array[index].add(var.name_len + 1) } != 0 => {
                    elsewhere.push((index, array[index] as usize));
                }
                Some(index) => {
                    array[index] = var.entry_ptr();
                    var.injected = true;
                    elsewhere.push((index, array[index] as usize));
                }
                None => {
                    array.push(var.entry_ptr());
                    var.injected = true;
                    if array.len() > found + BLOCK {
                        elsewhere.push((array.len() - 1, var.entry_ptr() as usize));
                    }
                }
            }
        }
        // The terminator, and the padding that keeps the block in the array.
        array.resize(array.len().max(found + BLOCK - 1) + 1, std::ptr::null());
        let mut block = [0; BLOCK];
        for (slot, &entry) in block.iter_mut().zip(&array[found..]) {
            *slot = entry as usize;
        }
        let installed = Installed {
            array: NonNull::from(Box::leak(array.into_boxed_slice())),
            block_at: found,
            block,
            elsewhere: elsewhere.into_boxed_slice(),
        };
        // SAFETY: as above. The array is NULL-terminated and its entries are
        // the environment's own or this injector's, which outlive it.
        unsafe { *slot = installed.array_ptr() };
        // The array before, if it was this injector's, is no longer the live
        // one and can go.
        if let Some(before) = self.installed.replace(installed) {
            before.free_array();
        }
    }

    /// Where the captured variable `name` stands in the environment now.
    ///
    /// # Safety
    ///
    /// No other thread may write the environment during the call.
    pub unsafe fn state_of(&self, name: &str) -> VarState {
        let Some(var) = self.vars.iter().find(|var| var.name() == name.as_bytes()) else {
            return VarState::Absent;
        };
        let Ok(name) = CString::new(var.name()) else {
            return VarState::Absent;
        };
        // SAFETY: the caller guarantees no concurrent environment writes.
        if !unsafe { has_value(&name) } {
            VarState::Absent
        } else if var.injected {
            VarState::Injected
        } else {
            VarState::Kept
        }
    }
}

/// The environment array an injector left behind as the live one when it
/// was dropped: see [`Injector`]'s `Drop`. Only ever written.
static KEPT_ARRAY: AtomicPtr<*const c_char> = AtomicPtr::new(std::ptr::null_mut());

impl Drop for Injector {
    /// What aws_env put into the environment stays there, and must stay
    /// valid: the process may read its environment until it exits (other
    /// modules' shut-down, libc's exit handlers). So the array is kept if it
    /// is still the live one, and so is each entry still in the live array;
    /// the rest is freed. An injector that never injected has put nothing
    /// into the environment and does not look at it.
    ///
    /// The kept array stays reachable from [`KEPT_ARRAY`] even if the
    /// process later points `environ` elsewhere (the CLI and CGI put their
    /// own array back just before they exit), so that a leak checker sees
    /// memory in use, not lost.
    fn drop(&mut self) {
        let injected = self.installed.is_some() || self.vars.iter().any(|var| var.injected);
        // SAFETY: an injector that injected did so under `inject_missing`'s
        // contract, where nothing else touches the environment, and its owner
        // drops it in the same place (module shut-down).
        let live = if injected {
            self.environ_array()
        } else {
            std::ptr::null()
        };
        if let Some(installed) = self.installed.take() {
            if installed.array_ptr() == live {
                // SAFETY: the static's own cell, written by this thread only
                // (module shut-down); volatile, or the compiler would drop a
                // store to a static that nothing reads.
                unsafe {
                    KEPT_ARRAY
                        .as_ptr()
                        .write_volatile(installed.array_ptr().cast_mut())
                };
            } else {
                installed.free_array();
            }
        }
        for var in &mut self.vars {
            // SAFETY: as above; a null `live` has no entries.
            let in_use =
                var.injected && unsafe { entries(live) }.any(|entry| entry == var.entry_ptr());
            if !in_use {
                // SAFETY: dropped once, here, and not in the environment.
                unsafe { ManuallyDrop::drop(&mut var.entry) };
            }
        }
    }
}

/// Whether the environment entry `entry` is one of `name`: `NAME=...`.
///
/// # Safety
///
/// `entry` is a NUL-terminated string. `name` holds neither NUL nor `=`, so
/// the comparison stops at the entry's end at the latest.
#[inline]
unsafe fn is_entry_of(entry: *const c_char, name: &[u8]) -> bool {
    for (index, &byte) in name.iter().enumerate() {
        // SAFETY: every byte before this one matched a non-NUL name byte, so
        // the string has not ended before `index`.
        let here = unsafe { *entry.add(index) };
        if here as u8 != byte {
            return false;
        }
    }
    // SAFETY: as above, for `name.len()`.
    let after = unsafe { *entry.add(name.len()) };
    after as u8 == b'='
}

/// Whether the environment holds `name` with a non-empty value, without
/// copying it.
///
/// # Safety
///
/// No other thread may write the environment during the call.
unsafe fn has_value(name: &CStr) -> bool {
    // SAFETY: `name` is NUL-terminated; getenv returns null or a pointer to
    // a NUL-terminated value that stays valid while nothing writes the
    // environment, and only its first byte is read.
    unsafe {
        let value = libc::getenv(name.as_ptr());
        !value.is_null() && *value != 0
    }
}

/// Where a captured variable stands in this process's environment now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarState {
    /// aws_env put it there.
    Injected,
    /// The process already had a non-empty value, which was kept.
    Kept,
    /// Not in the environment (yet): before the first request of a php-fpm
    /// worker, or in the master.
    Absent,
}

impl VarState {
    pub fn key(self) -> &'static str {
        match self {
            VarState::Injected => "injected",
            VarState::Kept => "kept",
            VarState::Absent => "absent",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::SourceKind;
    use std::os::unix::ffi::OsStrExt;

    fn var(name: &str, value: &[u8]) -> CapturedVar {
        CapturedVar {
            name: name.to_owned(),
            value: value.to_vec(),
            source: SourceKind::File,
        }
    }

    // One test owns every variable it touches, with a name no other test uses,
    // because the test harness runs tests on several threads.
    #[test]
    fn injects_missing_and_empty_keeps_non_empty_and_reports_states() {
        let (missing, empty, present, unrelated) = (
            "AWS_ENV_TEST_MISSING",
            "AWS_ENV_TEST_EMPTY",
            "AWS_ENV_TEST_PRESENT",
            "AWS_ENV_TEST_UNRELATED",
        );
        // SAFETY: these names are used by this test only, and no other test
        // writes the environment.
        unsafe {
            std::env::remove_var(unrelated);
            std::env::remove_var(missing);
            std::env::set_var(empty, "");
            std::env::set_var(present, "pool-value");
        }
        let mut injector = Injector::new(&[
            var(missing, b"captured-\xff"),
            var(empty, b"captured-empty"),
            var(present, b"captured-present"),
        ]);
        // SAFETY: as above.
        unsafe { injector.inject_missing() };

        assert_eq!(
            std::env::var_os(missing).unwrap().as_bytes(),
            b"captured-\xff"
        );
        assert_eq!(std::env::var_os(empty).unwrap(), "captured-empty");
        assert_eq!(std::env::var_os(present).unwrap(), "pool-value");
        // SAFETY: as above.
        unsafe {
            assert_eq!(injector.state_of(missing), VarState::Injected);
            assert_eq!(injector.state_of(empty), VarState::Injected);
            assert_eq!(injector.state_of(present), VarState::Kept);
            assert_eq!(
                injector.state_of("AWS_ENV_TEST_NEVER_SET"),
                VarState::Absent
            );
        }
        assert!(
            environ_bytes()
                .split(|b| *b == 0)
                .any(|entry| entry == b"AWS_ENV_TEST_PRESENT=pool-value")
        );

        // The environment is now aws_env's own array: what was there in its
        // order, the empty one replaced in place, the missing one appended.
        let array = live_environ();
        let names: Vec<Vec<u8>> = environ_bytes()
            .split(|b| *b == 0)
            .filter(|entry| entry.starts_with(b"AWS_ENV_TEST_"))
            .map(|entry| entry.split(|b| *b == b'=').next().unwrap().to_vec())
            .collect();
        assert_eq!(
            names.last().map(Vec::as_slice),
            Some(missing.as_bytes()),
            "{names:?}"
        );
        // Nothing changed: the next call keeps the very same array.
        // SAFETY: as above.
        unsafe { injector.inject_missing() };
        assert_eq!(live_environ(), array);

        // A name added elsewhere moves the environment into libc's own
        // array: the next call looks again, and keeps what is there.
        // SAFETY: as above.
        unsafe {
            std::env::set_var(unrelated, "added");
            injector.inject_missing();
        }
        assert_ne!(live_environ(), array);
        assert_eq!(std::env::var_os(unrelated).unwrap(), "added");
        assert_eq!(std::env::var_os(present).unwrap(), "pool-value");
        // A name removed before the appended ones moves them: still right.
        // SAFETY: as above.
        unsafe {
            std::env::remove_var(unrelated);
            injector.inject_missing();
        }
        assert_eq!(
            std::env::var_os(missing).unwrap().as_bytes(),
            b"captured-\xff"
        );
        assert_eq!(std::env::var_os(empty).unwrap(), "captured-empty");

        // Something emptied one in place (same array, another string in
        // its slot): a later request sees the change and injects it again.
        // SAFETY: as above.
        unsafe {
            std::env::set_var(missing, "");
            injector.inject_missing();
        }
        assert_eq!(
            std::env::var_os(missing).unwrap().as_bytes(),
            b"captured-\xff"
        );

        // A later request after something removed one: injected again.
        // SAFETY: as above.
        unsafe {
            std::env::remove_var(missing);
            assert_eq!(injector.state_of(missing), VarState::Absent);
            injector.inject_missing();
        }
        assert_eq!(
            std::env::var_os(missing).unwrap().as_bytes(),
            b"captured-\xff"
        );
    }
}
