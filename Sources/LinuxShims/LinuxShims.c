#define _GNU_SOURCE
#include "LinuxShims.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

int shim_gettid(void) { return (int)syscall(SYS_gettid); }

int shim_set_thread_affinity(const unsigned char *mask, size_t bytes) {
    cpu_set_t set;
    CPU_ZERO(&set);
    memcpy(&set, mask, bytes < sizeof(set) ? bytes : sizeof(set));
    return sched_setaffinity(0, sizeof(set), &set);
}

int shim_get_thread_affinity(unsigned char *mask, size_t bytes) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return -1;
    memcpy(mask, &set, bytes < sizeof(set) ? bytes : sizeof(set));
    return 0;
}

int shim_set_thread_nice(int nice) { return setpriority(PRIO_PROCESS, (id_t)shim_gettid(), nice); }

int shim_get_thread_nice(void) { return getpriority(PRIO_PROCESS, (id_t)shim_gettid()); }

int shim_set_thread_name(const char *name) { return pthread_setname_np(pthread_self(), name); }

size_t shim_cpu_set_bytes(void) { return sizeof(cpu_set_t); }

int shim_set_thread_idle(void) {
    struct sched_param param = {.sched_priority = 0};
    return sched_setscheduler(0, SCHED_IDLE, &param);
}

int shim_thread_is_idle(void) { return sched_getscheduler(0) == SCHED_IDLE; }

int shim_termination_signal_fd(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    return signalfd(-1, &set, SFD_CLOEXEC);
}

int shim_read_signal(int fd) {
    struct signalfd_siginfo info;
    ssize_t count = read(fd, &info, sizeof(info));
    return count == (ssize_t)sizeof(info) ? (int)info.ssi_signo : -1;
}

int shim_event_fd(void) { return eventfd(0, EFD_CLOEXEC); }

int shim_prlimit(int pid, int which, const unsigned long long *new_limit, unsigned long long *old_limit) {
    int resource = which == 0 ? RLIMIT_NPROC : RLIMIT_SIGPENDING;
    struct rlimit wanted, previous;
    if (new_limit) {
        wanted.rlim_cur = new_limit[0];
        wanted.rlim_max = new_limit[1];
    }
    if (prlimit(pid, resource, new_limit ? &wanted : NULL, old_limit ? &previous : NULL) != 0) return -1;
    if (old_limit) {
        old_limit[0] = previous.rlim_cur;
        old_limit[1] = previous.rlim_max;
    }
    return 0;
}

// The new mount API's numbers are the same on every architecture (the unified table from 424 on); older C
// libraries' headers lack them.
#ifndef SYS_fspick
#define SYS_fspick 433
#endif
#ifndef SYS_fsconfig
#define SYS_fsconfig 431
#endif
#define SHIM_FSPICK_CLOEXEC 0x1
#define SHIM_FSCONFIG_SET_STRING 1
#define SHIM_FSCONFIG_CMD_RECONFIGURE 7

int shim_reconfigure_size(const char *path, const char *value) {
    int fd = (int)syscall(SYS_fspick, AT_FDCWD, path, SHIM_FSPICK_CLOEXEC);
    if (fd < 0) return -1;
    if (syscall(SYS_fsconfig, fd, SHIM_FSCONFIG_SET_STRING, "size", value, 0) != 0 ||
        syscall(SYS_fsconfig, fd, SHIM_FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    close(fd);
    return 0;
}

