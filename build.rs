//! Tells the crate whether the PHP it is built for is thread-safe (ZTS), found
//! the way ext-php-rs finds it (`PHP`, else `php` on `PATH`), so that what
//! only a ZTS build has (PHP's environment lock) is used only there. Also
//! marks the module never to be unloaded (below).
fn main() -> anyhow::Result<()> {
    // php-fpm shuts every module down and dlclose()s it at the end of each
    // worker's life, just before the process exits: unmapping the library
    // then is wasted work, 15 to 30 µs of CPU per worker on the benchmark
    // machine (0.4 to 0.8 % with `pm.max_requests = 1`, BENCHMARKS.md). NODELETE
    // keeps it mapped until exit. A module started again in the same process
    // finds its statics as it left them, which ext-php-rs and aws_env's
    // MSHUTDOWN already allow for (a SAPI may restart a module without
    // unloading it).
    println!("cargo::rustc-cdylib-link-arg=-Wl,-z,nodelete");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        link_for_a_cheap_load();
    }
    println!("cargo::rustc-check-cfg=cfg(php_zts)");
    println!("cargo::rerun-if-env-changed=PHP");
    println!("cargo::rerun-if-env-changed=PATH");
    let php = ext_php_rs_build::find_php()?;
    if ext_php_rs_build::PHPInfo::get(&php)?.thread_safety()? {
        println!("cargo::rustc-cfg=php_zts");
    }
    Ok(())
}

/// PHP loads the module with `dlopen(RTLD_DEEPBIND)`, and rustc links it
/// `-z now`, so the dynamic linker looks up every symbol it imports at load
/// time: first in the module itself and its own dependencies, in the order
/// of its `DT_NEEDED` entries, then in the whole process (the `php` binary
/// and its 15 or so libraries). That was most of the instructions aws_env
/// added to a `php -r ''` (BENCHMARKS.md).
fn link_for_a_cheap_load() {
    // libc first among the dependencies: most imports are libc's, and are
    // then found in the second object searched instead of the third (after
    // libgcc_s, which only has the unwinder's dozen).
    println!("cargo::rustc-link-lib=dylib=c");
}
