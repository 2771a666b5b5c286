// Wrappers for the GNU extensions Swift's Glibc module does not expose (they need _GNU_SOURCE, which must not
// leak into headers Swift imports: it changes Glibc's own definitions). Bodies are in LinuxShims.c.
#ifndef DEFERRED_MEMD_LINUX_SHIMS_H
#define DEFERRED_MEMD_LINUX_SHIMS_H

#include <stddef.h>

int shim_gettid(void);
/// Pins the calling thread to the CPUs whose bits are set in `mask` (`bytes` long). 0, or -1 with errno.
int shim_set_thread_affinity(const unsigned char *mask, size_t bytes);
/// Copies the calling thread's CPU mask into `mask`. 0, or -1 with errno.
int shim_get_thread_affinity(unsigned char *mask, size_t bytes);
int shim_set_thread_nice(int nice);
int shim_get_thread_nice(void);
int shim_set_thread_name(const char *name);
size_t shim_cpu_set_bytes(void);
/// Puts the calling thread under SCHED_IDLE. 0, or -1 with errno.
int shim_set_thread_idle(void);
int shim_thread_is_idle(void);
/// A close-on-exec signalfd for SIGTERM and SIGINT (the caller blocks them). The fd, or -1 with errno.
int shim_termination_signal_fd(void);
/// Reads one signal from a signalfd: its number, or -1 with errno.
int shim_read_signal(int fd);
/// A close-on-exec eventfd, for waking a thread that polls. The fd, or -1 with errno.
int shim_event_fd(void);
/// PID `pid`'s RLIMIT_NPROC (`which` 0) or RLIMIT_SIGPENDING (1): read into `old` (soft, hard) when it is not
/// NULL, then set to `new` when that is not NULL (prlimit(2)). 0, or -1 with errno.
int shim_prlimit(int pid, int which, const unsigned long long *new_limit, unsigned long long *old_limit);
/// Reconfigures the tmpfs mounted at `path` with `size=VALUE` (fspick + fsconfig, Linux 5.2): the superblock alone,
/// so the mount's own flags (nosuid, nodev, read-only binds) are untouched, unlike mount(MS_REMOUNT). 0, or -1 with errno.
int shim_reconfigure_size(const char *path, const char *value);

#endif
