//! `$_SERVER` under a SAPI that builds it without the environment: Apache's
//! mod_php (apache2handler) registers only Apache's own per-request table
//! there, so the variables injected into the environment at start-up reach
//! `getenv()` and `$_ENV`, but not `$_SERVER`. A hook in
//! `sapi_module.register_server_variables` adds them after the SAPI's own
//! handler, which it wraps and always calls first; what the SAPI registered
//! keeps its value ([`missing_server_variables`]).
//!
//! The values are the captured ones, from the published state, which needs
//! no lock: they are what start-up injected into the environment (a
//! non-empty value the process had is the one captured first). They are
//! added as PHP adds the environment to `$_SERVER` in the other SAPIs
//! (`php_import_environment_variables`): straight into the array, without
//! the input filter.

use std::mem::ManuallyDrop;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

use ext_php_rs::ffi::{MODULE_PERSISTENT, zend_hash_str_find, zend_hash_str_update};
use ext_php_rs::types::{ZendHashTable, ZendStr, Zval};
use ext_php_rs::zend::SapiModule;

use super::state::{self, ModuleState, guarded};
use crate::runtime::{missing_server_variables, server_array_lacks_environment};

type RegisterServerVariables = unsafe extern "C" fn(track_vars_array: *mut Zval);

/// The SAPI's own `sapi_module.register_server_variables` (or the hook of
/// an extension that started earlier), which [`register_server_variables`]
/// replaces and always calls first.
static CHAINED: AtomicPtr<()> = AtomicPtr::new(ptr::null_mut());

/// MINIT: puts [`register_server_variables`] in the SAPI, chaining to the
/// handler it replaces, when the SAPI builds `$_SERVER` without the
/// environment. Only for a persistent module: one that dl() loaded is
/// unloaded when its request ends, and a hook left behind would point at
/// unmapped code.
pub fn install(kind: i32, state: &ModuleState) {
    if kind != MODULE_PERSISTENT.cast_signed() || !server_array_lacks_environment(&state.sapi) {
        return;
    }
    let ours: RegisterServerVariables = register_server_variables;
    let mut module = SapiModule::get_mut();
    let current = module.register_server_variables;
    if current.is_some_and(|current| ptr::fn_addr_eq(current, ours)) {
        return;
    }
    let chained = current.map_or(ptr::null_mut(), |chained| chained as *mut ());
    CHAINED.store(chained, Ordering::Release);
    module.register_server_variables = Some(ours);
}

/// MSHUTDOWN: puts back the handler [`install`] replaced, if the hook is
/// still the current one (an extension that wrapped it later shuts down
/// first, and puts this hook back before this runs).
pub fn uninstall() {
    let ours: RegisterServerVariables = register_server_variables;
    let mut module = SapiModule::get_mut();
    if module
        .register_server_variables
        .is_some_and(|current| ptr::fn_addr_eq(current, ours))
    {
        module.register_server_variables = chained();
        CHAINED.store(ptr::null_mut(), Ordering::Release);
    }
}

fn chained() -> Option<RegisterServerVariables> {
    let chained = CHAINED.load(Ordering::Acquire);
    // SAFETY: CHAINED holds null or a `RegisterServerVariables` that
    // `install` stored; function pointers are pointer-sized.
    (!chained.is_null())
        .then(|| unsafe { std::mem::transmute::<*mut (), RegisterServerVariables>(chained) })
}

/// `sapi_module.register_server_variables`: the engine calls it with the
/// `$_SERVER` array it is building, when a request first needs `$_SERVER`
/// (at request start-up with `auto_globals_jit=0`, else when a script that
/// names it is compiled), and only when `variables_order` has `S`.
unsafe extern "C" fn register_server_variables(track_vars_array: *mut Zval) {
    if let Some(chained) = chained() {
        // SAFETY: `php_register_server_variables` would call the chained
        // handler just so, with this array.
        unsafe { chained(track_vars_array) };
    }
    // SAFETY: the engine passes the zval it builds `$_SERVER` in, alive for
    // the call, and nothing else touches it meanwhile.
    guarded("$_SERVER registration", (), || unsafe {
        add_captured(track_vars_array)
    });
}

/// Adds to the array each captured variable it does not hold.
///
/// Nothing here that needs dropping is alive across a call into the engine,
/// which may bail out (`memory_limit`) of any call that allocates: the
/// state and its variables are borrowed, the iterator and the zval being
/// inserted need no drop. What a bailout leaves is in the request's heap,
/// which the engine frees with the request.
///
/// # Safety
///
/// `track_vars_array` is null or points to a zval valid for the call, which
/// nothing else uses meanwhile.
unsafe fn add_captured(track_vars_array: *mut Zval) {
    let Some(state) = state::current() else {
        return;
    };
    if state.runtime.capture.vars.is_empty() {
        return;
    }
    // SAFETY: the caller's contract.
    let Some(server) = (unsafe { track_vars_array.as_mut() }) else {
        return;
    };
    // An array of its own (separated, were it shared or immutable), or
    // nothing to add to.
    let Some(array) = server.array_mut() else {
        return;
    };
    let table: *mut ZendHashTable = array;
    let missing = missing_server_variables(&state.runtime.capture.vars, |name| {
        // SAFETY: `table` is the live array above; the key is `name.len()`
        // bytes at `name.as_ptr()`, which the engine only reads.
        !unsafe { zend_hash_str_find(table, name.as_ptr().cast(), name.len()) }.is_null()
    });
    for var in missing {
        let mut value = ManuallyDrop::new(Zval::new());
        value.set_zend_string(ZendStr::new(&var.value, false));
        // SAFETY: as above; the table takes the zval's string over (the
        // zval is copied into it and never dropped here). Captured names
        // are `[A-Za-z_][A-Za-z0-9_]*`, never a numeric key, so the string
        // key is the one PHP itself would use.
        unsafe {
            zend_hash_str_update(
                table,
                var.name.as_ptr().cast(),
                var.name.len(),
                &raw mut *value,
            );
        }
    }
}
