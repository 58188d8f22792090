//! Work spread over every core (scoped threads): the one home of the
//! fan-out used by the board's exports and its first read of 10,000 areas.

/// `f` applied to each of `items` on up to `max_threads` threads (as many
/// as the machine has, at least one), the results in the items' order. When
/// a thread panics, every item it was given is `None` (done or not): the
/// caller decides whether that is an error (a missing sheet) or only lost
/// speed (a parse redone later).
pub(crate) fn map_on_cores<T: Send, R: Send>(items: Vec<T>, max_threads: usize, f: impl Fn(T) -> R + Sync) -> Vec<Option<R>> {
    let n = items.len();
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get).min(max_threads).clamp(1, n.max(1));
    let mut out: Vec<Option<R>> = std::iter::repeat_with(|| None).take(n).collect();
    let f = &f;
    std::thread::scope(|s| {
        // Round-robin: neighbouring items (alike in cost) go to different
        // threads.
        let mut queues: Vec<Vec<(usize, T)>> = std::iter::repeat_with(Vec::new).take(threads).collect();
        for (i, x) in items.into_iter().enumerate() {
            queues[i % threads].push((i, x));
        }
        let handles: Vec<_> = queues.into_iter().map(|q| s.spawn(move || q.into_iter().map(|(i, x)| (i, f(x))).collect::<Vec<_>>())).collect();
        for done in handles.into_iter().filter_map(|h| h.join().ok()) {
            for (i, r) in done {
                out[i] = Some(r);
            }
        }
    });
    out
}

/// The machine's cores (1 when it cannot say).
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

#[cfg(test)]
mod tests {
    use super::map_on_cores;

    #[test]
    fn results_keep_the_items_order_and_a_panic_is_a_hole() {
        let out = map_on_cores((0..100).collect(), 8, |x: u32| x * 2);
        assert_eq!(out, (0..100).map(|x| Some(x * 2)).collect::<Vec<_>>());
        assert!(map_on_cores(Vec::<u32>::new(), 8, |x| x).is_empty());
        // A panicking item loses (at most) its thread's items, never the order.
        let out = map_on_cores((0..10).collect(), 2, |x: u32| if x == 3 { panic!("boom") } else { x });
        assert!(out.iter().enumerate().all(|(i, r)| r.is_none_or(|v| v as usize == i)));
        assert!(out[3].is_none());
    }
}
