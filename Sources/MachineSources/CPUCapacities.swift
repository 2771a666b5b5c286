import KernelFiles

/// Each online CPU's capacity (`/sys/devices/system/cpu/cpuN/cpu_capacity`: 1024 for the biggest), which arm64
/// kernels compute from the devicetree's `capacity-dmips-mhz`. On a big.LITTLE phone the workers belong on the big
/// cores: the write-up onlines the last memory on "a much fatter or bigger CPU".
package struct CPUCapacities: Sendable, Equatable {
    package static let directory = "/sys/devices/system/cpu"
    package static let onlinePath = directory + "/online"

    package var byCPU: [Int: Int]

    package init(byCPU: [Int: Int]) {
        self.byCPU = byCPU
    }

    package static func capacityPath(_ cpu: Int) -> String { "\(directory)/cpu\(cpu)/cpu_capacity" }

    /// The online CPUs of the highest capacity, when the CPUs differ (nil when they are all alike).
    package var fastest: (cpus: [Int], capacity: Int)? {
        guard let top = byCPU.values.max(), let bottom = byCPU.values.min(), top > bottom else { return nil }
        return (byCPU.filter { $0.value == top }.keys.sorted(), top)
    }

    /// The files read: `online`, then each online CPU's `cpu_capacity` that exists.
    package static func files(in files: KernelFiles) -> [String] {
        guard let text = try? files.readValue(onlinePath), let cpus = CPUList.parse(Substring(text)) else { return [] }
        return [onlinePath] + cpus.map(capacityPath).filter(files.exists)
    }

    /// nil when the kernel shows no capacities (no `cpu_capacity`, as on x86, or no `online` list).
    package static func read(from files: KernelFiles) throws(SourceError) -> CPUCapacities? {
        guard files.exists(onlinePath) else { return nil }
        let text: String
        do { text = try files.readValue(onlinePath) } catch { throw SourceError(error) }
        guard let cpus = CPUList.parse(Substring(text)) else {
            throw SourceError(path: onlinePath, value: text.debugDescriptionTrimmed, expected: CPUList.expected)
        }
        var byCPU: [Int: Int] = [:]
        for cpu in cpus where files.exists(capacityPath(cpu)) {
            let value: String
            do { value = try files.readValue(capacityPath(cpu)) } catch { throw SourceError(error) }
            guard let capacity = Int(value), capacity > 0 else {
                throw SourceError(path: capacityPath(cpu), value: value.debugDescriptionTrimmed, expected: "a positive whole number (1024 for the biggest CPU)")
            }
            byCPU[cpu] = capacity
        }
        return byCPU.isEmpty ? nil : CPUCapacities(byCPU: byCPU)
    }
}
