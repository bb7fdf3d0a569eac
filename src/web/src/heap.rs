//! A small allocator for the browser build, in place of the standard library's dlmalloc (~8 KB of
//! wasm, ~3.5 KB gzip).
//!
//! Power-of-two size classes, each with a free list; fresh blocks are cut from the memory the
//! module starts with (after the stack and static data: `__heap_base` up to the initial memory,
//! 4 MiB, see `.cargo/config.toml`), then from memory grown with `memory.grow` at least 1 MiB at a
//! time (a grow may copy the whole memory). The layout given back on `dealloc` names the class, so
//! blocks carry no header.
//! Blocks are never split or merged: a freed block is reused only for its class, which bounds the
//! heap by about twice the peak live data of each class — a few hundred kilobytes for the SDK.
//! Requests aligned to more than 16 bytes (none in Moments) take fresh memory and are never reused.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::null_mut;

const PAGE: usize = 65_536;
/// Grow memory by at least this many pages (1 MiB).
const MIN_GROW: usize = 16;
const CLASSES: usize = usize::BITS as usize;

/// The allocator; install it with `#[global_allocator]`.
pub struct Small(UnsafeCell<State>);

struct State {
    /// Per class, the first free block (0: none); each free block holds the address of the next.
    free: [usize; CLASSES],
    /// Fresh memory: `[next, end)`.
    next: usize,
    end: usize,
}

// The browser build is single-threaded (no `atomics` target feature).
unsafe impl Sync for Small {}

impl Small {
    /// An empty heap.
    pub const fn new() -> Small {
        Small(UnsafeCell::new(State { free: [0; CLASSES], next: 0, end: 0 }))
    }
}

impl Default for Small {
    fn default() -> Small {
        Small::new()
    }
}

/// The class of a layout: log2 of its block size (at least 8 bytes).
fn class(l: &Layout) -> usize {
    let n = l.size().max(l.align()).max(8);
    (usize::BITS - (n - 1).leading_zeros()) as usize
}

impl State {
    /// `size` fresh bytes aligned to `align` (a power of two), growing memory when needed.
    unsafe fn fresh(&mut self, size: usize, align: usize) -> *mut u8 {
        if self.end == 0 {
            (self.next, self.end) = initial();
        }
        let mut at = (self.next + align - 1) & !(align - 1);
        if at.checked_add(size).is_none_or(|e| e > self.end) {
            let pages = (size + align).div_ceil(PAGE).max(MIN_GROW);
            let prev = grow(pages);
            if prev == usize::MAX {
                return null_mut();
            }
            let start = prev * PAGE;
            if start != self.end {
                // Not contiguous with what is left: start afresh (the rest stays unused).
                self.next = start;
            }
            self.end = start + pages * PAGE;
            at = (self.next + align - 1) & !(align - 1);
        }
        self.next = at + size;
        at as *mut u8
    }
}

/// Grows memory by `pages`; the previous size in pages, or `usize::MAX` if it cannot.
fn grow(pages: usize) -> usize {
    core::arch::wasm32::memory_grow(0, pages)
}

extern "C" {
    /// Where the linker put the end of the stack and static data.
    static __heap_base: u8;
}

/// The free part of the memory the module started with: `[__heap_base, memory size)`.
fn initial() -> (usize, usize) {
    // SAFETY: only the address of the linker-defined symbol is taken (`unsafe` before Rust 1.82).
    #[allow(unused_unsafe)]
    let base = unsafe { core::ptr::addr_of!(__heap_base) } as usize;
    let end = core::arch::wasm32::memory_size(0) * PAGE;
    (base.min(end), end)
}

unsafe impl GlobalAlloc for Small {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let s = &mut *self.0.get();
        let c = class(&l);
        if c >= CLASSES - 1 {
            return null_mut();
        }
        let size = 1usize << c;
        if l.align() > 16 {
            return s.fresh(size, l.align());
        }
        let head = s.free[c];
        if head != 0 {
            s.free[c] = *(head as *const usize);
            return head as *mut u8;
        }
        s.fresh(size, size.min(16))
    }

    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        if l.align() > 16 {
            return;
        }
        let s = &mut *self.0.get();
        let c = class(&l);
        *(p as *mut usize) = s.free[c];
        s.free[c] = p as usize;
    }

    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        let new = Layout::from_size_align_unchecked(new_size, l.align());
        if class(&new) == class(&l) && l.align() <= 16 {
            return p;
        }
        let q = self.alloc(new);
        if !q.is_null() {
            core::ptr::copy_nonoverlapping(p, q, l.size().min(new_size));
            self.dealloc(p, l);
        }
        q
    }
}
