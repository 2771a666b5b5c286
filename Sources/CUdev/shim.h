// libudev's device monitor: uevents for the memory subsystem. Attributes are read with plain file I/O under the
// daemon's root instead, because libudev refuses device paths outside /sys.
#ifndef DEFERRED_MEMD_CUDEV_H
#define DEFERRED_MEMD_CUDEV_H
#include <libudev.h>
#endif
