//! The module entry PHP gets from `get_module()`, built by hand.
//!
//! ext-php-rs's `#[php_module]` builds it through `ModuleBuilder`, whose
//! start-up also registers classes, interfaces, enums and constants. aws_env
//! has none, but that code was in the library all the same: eleven more
//! engine functions for the dynamic linker to look up each time PHP loads the
//! module, and the building and checking of empty lists; about 19,000
//! instructions of a `php -r ''` in all (BENCHMARKS.md). The entry below is
//! what that builder makes of aws_env's one function and three callbacks.

use std::cell::UnsafeCell;
use std::ffi::{CStr, c_int};
use std::sync::OnceLock;

use ext_php_rs::ffi::{ZEND_MODULE_API_NO, ext_php_rs_php_build_id};
use ext_php_rs::zend::{FunctionEntry, ModuleEntry};
use ext_php_rs::{PHP_DEBUG, PHP_ZTS};

use super::{hooks, info, status};

const NAME: &CStr = c"aws_env";

const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(version) => version,
        Err(_) => panic!("a package version holds no NUL"),
    };

/// The entry and what it points to, alive for as long as the library is
/// loaded (PHP keeps a copy of the entry; the function table is its own).
struct Entry {
    module: UnsafeCell<ModuleEntry>,
    _functions: Box<[FunctionEntry]>,
    _arg_info: Option<Box<[ext_php_rs::args::ArgInfo]>>,
}

// SAFETY: built once, before PHP reads it, and never written by Rust after;
// the raw pointers in it are to statics or to the boxes kept alongside.
unsafe impl Sync for Entry {}
// SAFETY: as above.
unsafe impl Send for Entry {}

/// The module entry, built the first time PHP asks.
pub fn entry() -> *mut ModuleEntry {
    static ENTRY: OnceLock<Entry> = OnceLock::new();
    ENTRY.get_or_init(build).module.get()
}

fn build() -> Entry {
    // `aws_env_status()` has a fixed name and signature, so building its
    // entry does not fail; if it ever did, the module would still load,
    // without the function.
    let (functions, arg_info) = match status::function().build() {
        Ok((function, arg_info)) => (vec![function, FunctionEntry::end()], Some(arg_info)),
        Err(_) => (vec![FunctionEntry::end()], None),
    };
    let functions = functions.into_boxed_slice();
    // SAFETY: every field of the engine's module entry is an integer, a
    // pointer or an optional function pointer, for which all-zero bytes are
    // valid (0, null, None): the fields set below are the only ones aws_env
    // uses; the rest (INI table, dependencies, globals, request hooks, the
    // engine's own bookkeeping) start at zero, as ext-php-rs sets them.
    let mut module: ModuleEntry = unsafe { std::mem::zeroed() };
    module.size = size_of::<ModuleEntry>() as u16;
    module.zend_api = ZEND_MODULE_API_NO;
    module.zend_debug = u8::from(PHP_DEBUG);
    module.zts = u8::from(PHP_ZTS);
    module.name = NAME.as_ptr();
    module.version = VERSION.as_ptr();
    module.functions = functions.as_ptr();
    module.module_startup_func = Some(startup);
    module.module_shutdown_func = Some(hooks::module_shutdown);
    module.info_func = Some(info::module_info);
    // SAFETY: returns the engine's build id, a static string.
    module.build_id = unsafe { ext_php_rs_php_build_id() };
    Entry {
        module: UnsafeCell::new(module),
        _functions: functions,
        _arg_info: arg_info,
    }
}

extern "C" fn startup(kind: c_int, module_number: c_int) -> c_int {
    hooks::module_startup(kind, module_number)
}
