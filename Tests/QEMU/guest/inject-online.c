// A guest helper for the `refuse-*` scenarios, preloaded into the daemon (LD_PRELOAD): it switches the kernel's own
// memory-notifier error injection on just before chosen `online*` writes to a block's `state` and off again right
// after, so the real kernel refuses exactly the chosen blocks (or the first N online writes), whatever the timing.
//   DM_INJECT="RULE ..."  RULE = BLOCK:ERRNO:COUNT, BLOCK a number or *, ERRNO negative (-12), COUNT writes (0: every
//                         one); the first rule with writes left that names the block (or *) applies.
//   DM_INJECT_LOG=FILE    one line "memoryN ERRNO" per write refused this way.
// The kernel still answers every write itself: the helper only sets the debugfs file the selftests use.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define INJECT "/sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_ONLINE/error"

struct rule { int block; int error; int count; int used; };
static struct rule rules[64];
static int nrules = -1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static ssize_t (*real_write)(int, const void *, size_t);

static void parse_rules(void) {
    nrules = 0;
    const char *text = getenv("DM_INJECT");
    if (!text) return;
    char *copy = strdup(text), *save = NULL;
    for (char *word = strtok_r(copy, " ", &save); word && nrules < 64; word = strtok_r(NULL, " ", &save)) {
        struct rule r = {-1, 0, 0, 0};
        char block[32];
        if (sscanf(word, "%31[^:]:%d:%d", block, &r.error, &r.count) != 3) continue;
        r.block = strcmp(block, "*") == 0 ? -1 : atoi(block);
        rules[nrules++] = r;
    }
    free(copy);
}

// The block whose state file `fd` is, or -1.
static int state_block(int fd) {
    char link[64], path[256];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return -1;
    path[n] = 0;
    int block, end = 0;
    if (sscanf(path, "/sys/devices/system/memory/memory%d/state%n", &block, &end) == 1 && path[end] == 0) return block;
    return -1;
}

static void set_injection(int error) {
    int fd = open(INJECT, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    char text[16];
    int n = snprintf(text, sizeof text, "%d\n", error);
    real_write(fd, text, (size_t)n);
    close(fd);
}

ssize_t write(int fd, const void *buffer, size_t count) {
    if (!real_write) real_write = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    if (count < 6 || memcmp(buffer, "online", 6) != 0) return real_write(fd, buffer, count);
    int block = state_block(fd);
    if (block < 0) return real_write(fd, buffer, count);
    pthread_mutex_lock(&lock);
    if (nrules < 0) parse_rules();
    int error = 0;
    for (int i = 0; i < nrules; i++) {
        struct rule *r = &rules[i];
        if ((r->block == -1 || r->block == block) && (r->count == 0 || r->used < r->count)) {
            r->used++;
            error = r->error;
            break;
        }
    }
    if (error) {
        set_injection(error);
        const char *log = getenv("DM_INJECT_LOG");
        FILE *f = log ? fopen(log, "a") : NULL;
        if (f) { fprintf(f, "memory%d %d\n", block, error); fclose(f); }
    }
    ssize_t result = real_write(fd, buffer, count);
    int saved = errno;
    if (error) set_injection(0);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return result;
}
