//! Tells the crate whether the PHP it is built for is thread-safe (ZTS), found
//! the way ext-php-rs finds it (`PHP`, else `php` on `PATH`), so that what
//! only a ZTS build has (PHP's environment lock) is used only there.
fn main() -> anyhow::Result<()> {
    println!("cargo::rustc-check-cfg=cfg(php_zts)");
    println!("cargo::rerun-if-env-changed=PHP");
    println!("cargo::rerun-if-env-changed=PATH");
    let php = ext_php_rs_build::find_php()?;
    if ext_php_rs_build::PHPInfo::get(&php)?.thread_safety()? {
        println!("cargo::rustc-cfg=php_zts");
    }
    Ok(())
}
