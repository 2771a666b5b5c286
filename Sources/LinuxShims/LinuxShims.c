#define _GNU_SOURCE
#include "LinuxShims.h"

#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>
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
