//! Work on every core: the leaflets of a run, the font files.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of every item on `threads` threads (0: one per core), the heaviest items first (so
/// that no core waits at the end for a long leaflet started last); the results in the
/// items' order.
///
/// Plain threads, not rayon's: typst and the PDF writer use rayon inside, and a rayon
/// worker that waits for such inner work steals a whole other leaflet meanwhile, which
/// then holds up the one it was working on.
pub fn longest_first<T: Sync, R: Send>(
    threads: usize,
    items: &[T],
    weight: impl Fn(&T) -> usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weight(&items[i])));
    let threads = match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads.min(items.len()) {
            scope.spawn(|| {
                while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let r = f(&items[i]);
                    *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|r| {
            r.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every item was run")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::longest_first;
    use std::sync::Mutex;

    #[test]
    fn results_come_in_the_items_order_and_the_heaviest_runs_first() {
        let items = [3, 9, 1, 7, 5];
        for threads in [0, 1, 2, 8] {
            let started = Mutex::new(Vec::new());
            let doubled = longest_first(
                threads,
                &items,
                |&n| n,
                |&n| {
                    started.lock().unwrap().push(n);
                    n * 2
                },
            );
            assert_eq!(doubled, [6, 18, 2, 14, 10], "{threads} thread(s)");
            let mut all = started.into_inner().unwrap();
            if threads == 1 {
                assert_eq!(all, [9, 7, 5, 3, 1]);
            }
            all.sort();
            assert_eq!(all, [1, 3, 5, 7, 9], "each item once");
        }
        assert!(longest_first(2, &[] as &[u8], |_| 0, |_| ()).is_empty());
    }
}
