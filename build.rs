//! Build script: on Windows only, embeds the icon (`assets/icon.ico`) and the version
//! information (Explorer's Properties → Details) in `downpour.exe` and `downpour-cli.exe`,
//! from `packaging/windows/downpour.rc`. Everywhere else it does nothing.
//!
//! `embed-resource` is a build-dependency only for Windows hosts (Cargo.toml), so a Linux or
//! macOS build compiles and downloads nothing for it. A Linux → Windows cross build has no
//! `embed-resource` either and gets an .exe without resources; release builds run on Windows.
#![allow(
    clippy::expect_used,
    reason = "a build script stops the build with its message when cargo's variables are missing"
)]

use std::{env, fs, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    println!("cargo:rerun-if-changed=packaging/windows/downpour.rc");
    println!("cargo:rerun-if-changed=assets/icon.ico");

    // The .rc includes version.h: the version from Cargo.toml, numbers and text.
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    // Numbers only for FILEVERSION (a pre-release suffix is in CARGO_PKG_VERSION_PRE).
    let part = |name: &str| env::var(name).expect("cargo sets the version parts");
    let header = format!(
        "#define DOWNPOUR_VERSION_NUMBERS {},{},{},0\n#define DOWNPOUR_VERSION_TEXT \"{}\"\n",
        part("CARGO_PKG_VERSION_MAJOR"),
        part("CARGO_PKG_VERSION_MINOR"),
        part("CARGO_PKG_VERSION_PATCH"),
        part("CARGO_PKG_VERSION"),
    );
    fs::write(Path::new(&out_dir).join("version.h"), header).expect("write version.h");
    embed();
}

/// Compiles the .rc (rc.exe or windres, found by embed-resource; OUT_DIR is on its include
/// path for version.h) and links it into both binaries.
#[cfg(windows)]
fn embed() {
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    embed_resource::compile(
        "packaging/windows/downpour.rc",
        embed_resource::ParamsIncludeDirs([manifest_dir]),
    )
    .manifest_optional()
    .expect("compile the Windows resources (packaging/windows/downpour.rc)");
}

/// Not a Windows host: no resource compiler crate (see the top of this file).
#[cfg(not(windows))]
fn embed() {
    println!(
        "cargo:warning=cross build for Windows: downpour.exe gets no icon or version resource"
    );
}
