// libsystemd's service-manager notification and journal entry points. Only the non-variadic ones are usable
// from Swift: sd_notify (not sd_notifyf) and sd_journal_sendv (not sd_journal_send).
#ifndef DEFERRED_MEMD_CSYSTEMD_H
#define DEFERRED_MEMD_CSYSTEMD_H
#include <sys/uio.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#endif
