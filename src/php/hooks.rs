//! The engine's entry points: module start-up and shut-down, and the start
//! of every request. Each body runs under [`guarded`], so that no panic
//! reaches PHP.

use std::ffi::CStr;

use ext_php_rs::zend::{SapiModule, SapiRequestInfo};

use super::state::{self, ModuleState, guarded};
use super::{ini, log};
use crate::process_env::{self, Injector};
use crate::runtime::{FPM_SAPI, Injection, Runtime};

const SUCCESS: i32 = 0;

/// At most this many malformed `aws_env.names` entries get a warning each;
/// the rest are counted in one more, so a bad 64 KiB line stays readable.
const MAX_NAME_WARNINGS: usize = 16;

/// MINIT: in php-fpm this is the master, before it forks, clears the
/// workers' environment and switches to the pool user: the one moment when
/// both sources can be read.
pub fn module_startup(_kind: i32, module_number: i32) -> i32 {
    ini::register(module_number);
    guarded("module start-up", SUCCESS, || {
        start();
        SUCCESS
    })
}

fn start() {
    let sapi = sapi_name();
    let runtime = Runtime::start(ini::read(), &sapi, &process_env::environ_bytes());
    warn_about_invalid_names(&runtime.names.invalid);
    if sapi == FPM_SAPI {
        log::notice(&runtime.startup_line());
    }

    let mut injector = Injector::new(&runtime.capture.vars);
    if runtime.injection == Injection::AtStartup {
        // SAFETY: MINIT runs before the SAPI starts any request or thread.
        unsafe { injector.inject_missing() };
    }
    state::set_inject_every_request(runtime.injection == Injection::EveryRequest);
    *state::lock() = Some(ModuleState {
        sapi,
        runtime,
        injector,
    });
}

fn warn_about_invalid_names(invalid: &[String]) {
    for entry in invalid.iter().take(MAX_NAME_WARNINGS) {
        log::warning(&format!(
            "aws_env.names: ignoring invalid entry \"{entry}\" (expected a variable name, \
             optionally ending in *)"
        ));
    }
    if invalid.len() > MAX_NAME_WARNINGS {
        log::warning(&format!(
            "aws_env.names: ignoring {} more invalid entries",
            invalid.len() - MAX_NAME_WARNINGS
        ));
    }
}

fn sapi_name() -> String {
    let module = SapiModule::get();
    if module.name.is_null() {
        return String::new();
    }
    // SAFETY: a SAPI's name is a static NUL-terminated string.
    unsafe { CStr::from_ptr(module.name) }
        .to_string_lossy()
        .into_owned()
}

/// MSHUTDOWN. The environment keeps what was injected: the process is ending,
/// and other code may still hold pointers into it.
pub extern "C" fn module_shutdown(_kind: i32, module_number: i32) -> i32 {
    guarded("module shut-down", SUCCESS, || {
        state::set_inject_every_request(false);
        *state::lock() = None;
        ini::unregister(module_number);
        SUCCESS
    })
}

/// The start of every request, from `sapi_module.activate`: before PHP
/// builds `$_SERVER` and `$_ENV` (even with `auto_globals_jit=0`) and before
/// any extension's RINIT, so nothing can see the environment without the
/// captured variables.
pub fn request_activate(_info: &SapiRequestInfo) {
    if !state::inject_every_request() {
        return;
    }
    guarded("request start-up", (), || {
        let mut guard = state::lock();
        if let Some(state) = guard.as_mut() {
            // SAFETY: only php-fpm injects per request, and a php-fpm worker
            // serves one request at a time on one thread.
            unsafe { state.injector.inject_missing() };
        }
    });
}
