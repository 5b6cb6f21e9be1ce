import Glibc

/// Seconds on CLOCK_MONOTONIC, for deadlines and intervals that must not
/// move when the wall clock is set.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
