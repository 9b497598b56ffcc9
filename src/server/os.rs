//! The two things the server asks of the operating system through the C
//! library: giving memory back, and running whole-document work at a
//! lower CPU priority than keystrokes. Both are Linux/glibc-only and do
//! nothing elsewhere.

/// Documents at least this large are followed by a [`trim`].
pub const TRIM_AFTER_BYTES: usize = 1 << 20;

/// How much lower than the server's other threads whole-document requests
/// run (a `nice` increment).
const BACKGROUND_NICENESS: i32 = 10;

/// Returns the allocator's free pages to the system.
///
/// Why: opening a 10 MB policy passes its text through several transient
/// copies (the framed message, tower's JSON value, the parameters) before
/// the rope holds it. glibc's allocator keeps the freed pages of such large
/// blocks in its heap, so the server's resident memory stayed at ~5× the
/// document although it uses ~1.5×. `malloc_trim` returns them; it costs
/// about a millisecond and runs only after opening a large document.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn trim() {
    // SAFETY: malloc_trim only releases memory the allocator holds free;
    // it takes no pointer and touches no live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn trim() {}

/// Lowers the calling thread's CPU priority (Linux applies
/// `setpriority(PRIO_PROCESS, 0, …)` to the calling thread only).
///
/// Why: on a machine with few cores, a references or outline request on a
/// 10 MB policy keeps a core busy for tens of milliseconds; a keystroke
/// arriving meanwhile must not wait for it. The threads that run such work
/// (`offload` in `mod.rs`) call this once when they start.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
pub fn lower_thread_priority() {
    // SAFETY: setpriority takes plain integers; a failure (e.g. a sandbox
    // forbidding it) is harmless and ignored.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, BACKGROUND_NICENESS);
    }
}

#[cfg(not(target_os = "linux"))]
pub fn lower_thread_priority() {}
