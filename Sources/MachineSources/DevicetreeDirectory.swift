import KernelFiles

/// The unflattened devicetree the kernel exports (`/proc/device-tree` = `/sys/firmware/devicetree/base`):
/// directories are nodes, files are properties.
///
/// Only what the memory layout needs is read: the root's properties, its children, and their children
/// (the carve-outs under `/reserved-memory`).
package enum DevicetreeDirectory {
    package static let candidates = ["/proc/device-tree", "/sys/firmware/devicetree/base"]

    package static func read(from files: KernelFiles, at path: String, depth: Int = 2) throws(SourceError) -> DevicetreeNode {
        let names: [String]
        do { names = try files.list(path) } catch { throw SourceError(error) }
        var node = DevicetreeNode(name: path == "/" ? "" : String(path.split(separator: "/").last ?? ""))
        for name in names.sorted() {
            let child = path + "/" + name
            if files.isDirectory(child) {
                if depth > 0 { node.children.append(try read(from: files, at: child, depth: depth - 1)) }
            } else {
                do { node.properties[name] = try files.readBytes(child) } catch { throw SourceError(error) }
            }
        }
        return node
    }
}
