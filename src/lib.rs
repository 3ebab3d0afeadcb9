//! aws_env: gives php-fpm workers (and every other SAPI) the AWS runtime
//! variables of the container while `clear_env` stays on.
//!
//! The pure core decides; `php` is the thin FFI edge. This file only wires
//! the module together.

pub mod capture;
pub mod credentials;
pub mod environ;
pub mod names;
pub mod pool;
pub mod process_env;
pub mod runtime;
pub mod settings;
pub mod stack_text;
pub mod token_file;

#[cfg(not(test))]
mod php;

// The C start-up files the linker adds (crti.o, crtbeginS.o) refer weakly to
// three symbols that only a profiling or a transactional-memory runtime
// defines. Nothing in a PHP process does, yet as default-visibility
// references each was looked up at load time in every one of the process's
// ~20 objects, in vain, and resolved to null: some 5,000 of the instructions
// loading the module took (BENCHMARKS.md). Declared hidden here as well, they
// are hidden for the linker too (the most restrictive visibility wins), so
// it resolves them to that same null itself and leaves no dynamic lookup.
#[cfg(all(target_os = "linux", not(test)))]
std::arch::global_asm!(
    ".weak __gmon_start__",
    ".hidden __gmon_start__",
    ".weak _ITM_registerTMCloneTable",
    ".hidden _ITM_registerTMCloneTable",
    ".weak _ITM_deregisterTMCloneTable",
    ".hidden _ITM_deregisterTMCloneTable",
);

/// What PHP calls, by this name, to learn what the module is.
#[cfg(not(test))]
#[unsafe(no_mangle)]
pub extern "C" fn get_module() -> *mut ext_php_rs::zend::ModuleEntry {
    php::module::entry()
}
