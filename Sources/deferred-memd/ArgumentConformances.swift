import ArgumentParser
import Logging
import Settings

// The values the commands take, parsed by ArgumentParser into the jobs' own types.
extension WatchPolicy: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}

extension MetricsDirectory: ExpressibleByArgument {
    package init?(argument: String) {
        self.init(parsing: Substring(argument))
    }
}
