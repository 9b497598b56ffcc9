//! Giving memory back to the system after a large document is opened.
//!
//! Why: opening a 10 MB policy passes its text through several transient
//! copies (the framed message, tower's JSON value, the parameters) before
//! the rope holds it. glibc's allocator keeps the freed pages of such large
//! blocks in its heap, so the server's resident memory stayed at ~5× the
//! document although it uses ~1.5×. `malloc_trim` returns them; it costs
//! about a millisecond and runs only after opening a large document.

/// Documents at least this large are followed by a trim.
pub const TRIM_AFTER_BYTES: usize = 1 << 20;

/// Returns the allocator's free pages to the system (glibc only).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn trim() {
    // SAFETY: malloc_trim only releases memory the allocator holds free;
    // it takes no pointer and touches no live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Elsewhere the allocator decides by itself.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn trim() {}
