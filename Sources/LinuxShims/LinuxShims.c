#define _GNU_SOURCE
#include "LinuxShims.h"

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
