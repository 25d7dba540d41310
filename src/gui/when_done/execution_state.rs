//! Keeping a Windows computer awake while a run goes: `SetThreadExecutionState` with
//! `ES_CONTINUOUS | ES_SYSTEM_REQUIRED`. The state belongs to the thread that set it, so a
//! thread of its own sets it, waits until the guard is dropped, then clears it and ends; if
//! Downpour ends first, Windows clears it with the thread.
//!
//! Compile-checked only: not yet run on Windows.

use std::sync::mpsc;

use super::KeepAwake;

/// The state stays until changed again (not only for this call).
const ES_CONTINUOUS: u32 = 0x8000_0000;
/// The system does not sleep while it is set (the display may still turn off).
const ES_SYSTEM_REQUIRED: u32 = 0x0000_0001;

#[link(name = "kernel32")]
unsafe extern "system" {
    /// kernel32's `SetThreadExecutionState`: takes flags only and returns the previous state
    /// (0 when it failed); no pointers, so safe to call with any value.
    safe fn SetThreadExecutionState(flags: u32) -> u32;
}

/// Keeps the computer awake until the guard is dropped.
pub(super) fn keep_awake() -> Option<KeepAwake> {
    let (release, released) = mpsc::channel::<()>();
    let started = std::thread::Builder::new()
        .name("downpour-awake".into())
        .spawn(move || {
            if SetThreadExecutionState(ES_CONTINUOUS | ES_SYSTEM_REQUIRED) == 0 {
                let err = std::io::Error::last_os_error();
                downpour::diag::record("keeping the computer awake", &err);
                return;
            }
            // Until the guard is dropped (or the window's side of the channel goes).
            let _ = released.recv();
            SetThreadExecutionState(ES_CONTINUOUS);
        });
    downpour::diag::check("starting the thread that keeps the computer awake", started);
    Some(KeepAwake::new(release))
}
