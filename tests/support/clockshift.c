/*
 * Moves a program's clocks forward, for the browser tests that need hours to pass between two
 * fetches (tests/support/browser_cases.rs builds it with `cc` and preloads it).
 *
 * clock_gettime (every clock, the monotonic ones included), gettimeofday and time return the
 * kernel's value plus a number of seconds read from the file named by CLOCKSHIFT_FILE, re-read
 * at most once a second of real time. Debian's libfaketime cannot do this for Firefox: its
 * lazy setup calls dlsym for symbols glibc lacks, the error message is malloc'ed, and
 * Firefox's allocator asks for the time while it initializes under its lock, so Firefox
 * deadlocks before main. Here nothing allocates or resolves symbols: the kernel is asked
 * directly with syscall(2).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long shift_seconds;
static long next_read;

static long shift(void) {
    struct timespec now;
    if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC_RAW, &now) != 0)
        return __atomic_load_n(&shift_seconds, __ATOMIC_RELAXED);
    if (now.tv_sec >= __atomic_load_n(&next_read, __ATOMIC_RELAXED)) {
        __atomic_store_n(&next_read, now.tv_sec + 1, __ATOMIC_RELAXED);
        const char *path = getenv("CLOCKSHIFT_FILE");
        char buf[24];
        int fd = path ? (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC) : -1;
        if (fd >= 0) {
            long n = syscall(SYS_read, fd, buf, sizeof buf);
            syscall(SYS_close, fd);
            long v = 0;
            long i = 0;
            for (; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
                v = v * 10 + (buf[i] - '0');
            /* Only a whole number ending in a newline counts (the test writes it atomically). */
            if (i > 0 && i < n && buf[i] == '\n')
                __atomic_store_n(&shift_seconds, v, __ATOMIC_RELAXED);
        }
    }
    return __atomic_load_n(&shift_seconds, __ATOMIC_RELAXED);
}

int clock_gettime(clockid_t id, struct timespec *ts) {
    long r = syscall(SYS_clock_gettime, id, ts);
    if (r == 0 && ts)
        ts->tv_sec += shift();
    return (int)r;
}

int gettimeofday(struct timeval *tv, void *tz) {
    long r = syscall(SYS_gettimeofday, tv, tz);
    if (r == 0 && tv)
        tv->tv_sec += shift();
    return (int)r;
}

time_t time(time_t *t) {
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return (time_t)-1;
    if (t)
        *t = ts.tv_sec;
    return ts.tv_sec;
}
