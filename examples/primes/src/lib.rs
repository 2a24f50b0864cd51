//! A plugin with one numeric export: how many primes are below `limit` (a sieve of
//! Eratosthenes). Built for wasm32 by `scripts/build-examples`; measured with
//! `plugbench compare --module target/examples/primes.wasm --invoke count_primes --arg 1000000`.

/// Primes below `limit` (0 for a limit under 3).
#[no_mangle]
pub extern "C" fn count_primes(limit: i32) -> i32 {
    let limit = limit.max(0) as usize;
    if limit < 3 {
        return 0;
    }
    let mut composite = vec![false; limit];
    let mut count = 0;
    for n in 2..limit {
        if composite[n] {
            continue;
        }
        count += 1;
        for multiple in (n * n..limit).step_by(n) {
            composite[multiple] = true;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_known_values() {
        assert_eq!(super::count_primes(2), 0);
        assert_eq!(super::count_primes(10), 4);
        assert_eq!(super::count_primes(1_000_000), 78_498);
    }
}
