import ArgumentParser
import KernelSimulation
import Logging
import Settings

// The values the commands take, parsed by ArgumentParser into the jobs' own types.
extension SimulatedKernel.LockModel: ExpressibleByArgument {}
extension AutoOnlinePolicy: ExpressibleByArgument {}
extension WatchPolicy: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}

extension SimulatedKernel.Fault: ExpressibleByArgument {
    package init?(argument: String) {
        self.init(parsing: argument)
    }
}

extension MetricsDirectory: ExpressibleByArgument {
    package init?(argument: String) {
        self.init(parsing: Substring(argument))
    }
}
