import KernelFiles

/// The unflattened devicetree the kernel exports (`/proc/device-tree` = `/sys/firmware/devicetree/base`):
/// directories are nodes, files are properties.
///
/// Every file is an open and a read in the kernel's sysfs, and a phone's tree has thousands, so a reader names the
/// properties it uses (`Selection.parts`) and only those are opened: the root's children are listed, no other
/// node's but a named one's.
package enum DevicetreeDirectory {
    /// The sysfs directory first: `/proc/device-tree` is a link to it, and each open through the link walks both
    /// (counted on the arm64 guest: 43 µs a lookup through it, 25 µs without). Captures keep the `/proc` name.
    package static let candidates = ["/sys/firmware/devicetree/base", "/proc/device-tree"]

    /// The properties a reader uses, by where they are.
    package struct Parts: Sendable {
        /// At the root.
        package var root: [String]
        /// At each of the root's children.
        package var child: [String]
        /// At a child whose `device_type` (read at every child) is the key.
        package var byType: [String: [String]]
        /// At the child of that name, and at each of its own children.
        package var byName: [String: (own: [String], children: [String])]

        package init(root: [String], child: [String], byType: [String: [String]], byName: [String: (own: [String], children: [String])]) {
            self.root = root
            self.child = child
            self.byType = byType
            self.byName = byName
        }
    }

    package enum Selection: Sendable {
        /// Every property of the root, its children and theirs.
        case all
        case parts(Parts)
    }

    package static func read(from files: KernelFiles, at path: String, selection: Selection) throws(SourceError) -> DevicetreeNode {
        guard case .parts(let parts) = selection else { return try readAll(from: files, at: path, name: "", depth: 2) }
        var root = DevicetreeNode(name: "", properties: try properties(parts.root, of: path, files))
        for name in try directories(in: path, files).sorted() {
            let nodePath = path + "/" + name
            var node = DevicetreeNode(name: name, properties: try properties(parts.child + ["device_type"], of: nodePath, files))
            if let type = node.string("device_type"), let more = parts.byType[type] {
                node.properties.merge(try properties(more, of: nodePath, files)) { old, _ in old }
            }
            if let named = parts.byName[name] {
                node.properties.merge(try properties(named.own, of: nodePath, files)) { old, _ in old }
                for childName in try directories(in: nodePath, files).sorted() {
                    node.children.append(DevicetreeNode(name: childName, properties: try properties(named.children, of: nodePath + "/" + childName, files)))
                }
            }
            root.children.append(node)
        }
        return root
    }

    private static func properties(_ names: [String], of path: String, _ files: KernelFiles) throws(SourceError) -> [String: [UInt8]] {
        var properties: [String: [UInt8]] = [:]
        for name in names where properties[name] == nil {
            do { properties[name] = try files.readAttributeIfPresent(path + "/" + name) } catch { throw SourceError(error) }
        }
        return properties
    }

    private static func directories(in path: String, _ files: KernelFiles) throws(SourceError) -> [String] {
        do { return try files.directories(in: path) } catch { throw SourceError(error) }
    }

    private static func readAll(from files: KernelFiles, at path: String, name: String, depth: Int) throws(SourceError) -> DevicetreeNode {
        let names: [String]
        do { names = try files.list(path) } catch { throw SourceError(error) }
        var node = DevicetreeNode(name: name)
        for name in names.sorted() {
            let child = path + "/" + name
            if files.isDirectory(child) {
                if depth > 0 { node.children.append(try readAll(from: files, at: child, name: name, depth: depth - 1)) }
            } else {
                do { node.properties[name] = try files.readBytes(child) } catch { throw SourceError(error) }
            }
        }
        return node
    }
}
