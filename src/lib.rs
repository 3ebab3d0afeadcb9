//! aws_env: gives php-fpm workers (and every other SAPI) the AWS runtime
//! variables of the container while `clear_env` stays on.
//!
//! The pure core decides; `php` is the thin FFI edge. This file only wires
//! the module together.

pub mod capture;
pub mod environ;
pub mod names;
pub mod process_env;
pub mod runtime;
pub mod settings;
pub mod stack_text;

#[cfg(not(test))]
mod php;

#[cfg(not(test))]
use ext_php_rs::prelude::*;
#[cfg(not(test))]
use php::hooks::module_startup;

#[cfg(not(test))]
#[php_module]
#[php(startup = "module_startup")]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    module
        .name("aws_env")
        .version(php::status::VERSION)
        .shutdown_function(php::hooks::module_shutdown)
        .info_function(php::info::module_info)
        .function(php::status::function())
}
