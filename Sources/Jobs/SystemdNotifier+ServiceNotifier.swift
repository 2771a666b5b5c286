import Systemd

/// `sd_notify` is where the service's notifications go under systemd.
extension SystemdNotifier: ServiceNotifier {}
