//! The INI table and reading its values. Every setting is PHP_INI_SYSTEM:
//! they shape what the master captures before any request exists, so
//! `ini_set()` must fail rather than pretend to change them.

use std::ffi::{CStr, c_char, c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};

use ext_php_rs::ffi::zend_ini_entry;
use ext_php_rs::flags::IniEntryPermission;
use ext_php_rs::zend::{IniEntryDef, IniEntryDefs};

use crate::names::DEFAULT_NAMES_C;
use crate::settings::{
    DEFAULT_ENABLED, DEFAULT_ENVIRON_FILE, INI_ENABLED, INI_ENVIRON_FILE, INI_NAMES, Settings,
    parse_bool,
};

// Declared by hand from Zend/zend_ini.h (same in PHP 8.2 to 8.4): the
// bindings ext-php-rs generates do not include them.
unsafe extern "C" {
    fn zend_ini_string_ex(
        name: *const c_char,
        name_length: usize,
        orig: c_int,
        exists: *mut bool,
    ) -> *mut c_char;
    fn zend_ini_boolean_displayer_cb(ini_entry: *mut zend_ini_entry, kind: c_int);
    #[cfg(php_zts)]
    fn zend_unregister_ini_entries(module_number: c_int);
}

const fn boolean(mut entry: IniEntryDef) -> IniEntryDef {
    entry.displayer = Some(zend_ini_boolean_displayer_cb);
    entry
}

const fn fixed_during_requests(mut entry: IniEntryDef) -> IniEntryDef {
    entry.on_modify = Some(refuse_during_a_request);
    entry
}

/// Accepts a value from php.ini, `-d` and a php-fpm pool's `php_value[]`
/// and `php_admin_value[]` (applied in each worker after fork, before its
/// first request), and refuses one that arrives while a request is being
/// served: php-fpm applies the FastCGI params `PHP_VALUE` and
/// `PHP_ADMIN_VALUE` that way, whatever an entry's mode, and keeps them for
/// the rest of the worker's life. A web server must not widen what a pool's
/// workers get; `ini_get()` then goes on showing the pool's value.
unsafe extern "C" fn refuse_during_a_request(
    _entry: *mut zend_ini_entry,
    _new_value: *mut ext_php_rs::ffi::zend_string,
    _arg1: *mut c_void,
    _arg2: *mut c_void,
    _arg3: *mut c_void,
    stage: c_int,
) -> c_int {
    // SAFETY: the SAPI globals exist from start-up on (this thread's, in a
    // thread-safe build); `server_context` is null outside a request.
    let in_request = unsafe {
        !(*ext_php_rs::ffi::ext_php_rs_sapi_globals())
            .server_context
            .is_null()
    };
    if in_request {
        return -1;
    }
    if stage != STAGE_STARTUP {
        WRITTEN_AFTER_STARTUP.store(true, Ordering::Relaxed);
    }
    0
}

/// `ZEND_INI_STAGE_STARTUP` (Zend/zend_ini.h): php.ini and `-d`, read as
/// the module registers its settings.
const STAGE_STARTUP: c_int = 1;

/// A setting was written after start-up: in a php-fpm worker, by its pool's
/// `php_value[]` or `php_admin_value[]`. Until then a worker's settings are
/// the master's, and its first request need not read them.
static WRITTEN_AFTER_STARTUP: AtomicBool = AtomicBool::new(false);

pub fn written_after_startup() -> bool {
    WRITTEN_AFTER_STARTUP.load(Ordering::Relaxed)
}

static INI_ENTRIES: IniEntryDefs<4> = IniEntryDefs::new([
    fixed_during_requests(boolean(IniEntryDef::new(
        INI_ENABLED,
        DEFAULT_ENABLED,
        IniEntryPermission::System,
    ))),
    fixed_during_requests(IniEntryDef::new(
        INI_NAMES,
        DEFAULT_NAMES_C,
        IniEntryPermission::System,
    )),
    fixed_during_requests(IniEntryDef::new(
        INI_ENVIRON_FILE,
        DEFAULT_ENVIRON_FILE,
        IniEntryPermission::System,
    )),
    IniEntryDef::end(),
]);

pub fn register(module_number: i32) {
    IniEntryDef::register(INI_ENTRIES.as_slice(), module_number);
}

/// Removes this module's settings. The engine's own way walks every INI
/// entry of the process (about 300) to find the module's, and each
/// extension that shuts down after this one walks them all again for its
/// own: a non-thread-safe engine keeps them in the executor's table, so
/// there the three are removed by name instead.
#[cfg(not(php_zts))]
pub fn unregister(_module_number: i32) {
    // SAFETY: MSHUTDOWN runs on the engine's one thread. Without ZTS the
    // executor's table is the one the entries were registered in (what
    // `zend_unregister_ini_entries` walks), its destructor frees each entry
    // as that would, and these names are this module's alone.
    unsafe {
        let table = ext_php_rs::ffi::executor_globals.ini_directives;
        if table.is_null() {
            return;
        }
        for name in [INI_ENABLED, INI_NAMES, INI_ENVIRON_FILE] {
            ext_php_rs::ffi::zend_hash_str_del(table, name.as_ptr(), name.count_bytes());
        }
    }
}

#[cfg(php_zts)]
pub fn unregister(module_number: i32) {
    // SAFETY: called from MSHUTDOWN with the number PHP gave this module.
    unsafe { zend_unregister_ini_entries(module_number) };
}

/// The current value of a registered setting, as bytes.
fn value(name: &CStr) -> Vec<u8> {
    current(name).to_vec()
}

/// The current value of a registered setting, borrowed from the engine:
/// valid until the setting next changes, so callers copy or compare it at
/// once.
fn current(name: &CStr) -> &'static [u8] {
    let mut exists = false;
    // SAFETY: `name` is NUL-terminated and its length excludes the NUL, as
    // the engine expects; `exists` outlives the call.
    let raw = unsafe { zend_ini_string_ex(name.as_ptr(), name.count_bytes(), 0, &raw mut exists) };
    if raw.is_null() || !exists {
        return &[];
    }
    // SAFETY: the engine returns a NUL-terminated string it owns for as long
    // as the setting keeps this value.
    unsafe { CStr::from_ptr(raw) }.to_bytes()
}

/// The settings now, if any differs from `master`: in a php-fpm worker,
/// what its pool set.
pub fn read_if_other_than(master: &Settings) -> Option<Settings> {
    let same = parse_bool(current(INI_ENABLED)) == master.enabled
        && current(INI_NAMES) == master.names.as_slice()
        && current(INI_ENVIRON_FILE) == master.environ_file.as_slice();
    (!same).then(read)
}

pub fn read() -> Settings {
    Settings {
        enabled: parse_bool(&value(INI_ENABLED)),
        names: value(INI_NAMES),
        environ_file: value(INI_ENVIRON_FILE),
    }
}
