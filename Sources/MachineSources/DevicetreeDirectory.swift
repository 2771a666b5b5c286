import KernelFiles

/// The unflattened devicetree the kernel exports (`/proc/device-tree` = `/sys/firmware/devicetree/base`):
/// directories are nodes, files are properties.
///
/// At most the root, its children and their children are read, and of those only what a `Selection` names: every
/// file is an open, a read and a close in the kernel's sysfs, and a phone's tree has thousands under `/soc`.
package enum DevicetreeDirectory {
    package static let candidates = ["/proc/device-tree", "/sys/firmware/devicetree/base"]

    /// The part of the tree a reader uses.
    package struct Selection: Sendable {
        /// Property names read at every node (nil: all of them).
        package var properties: Set<String>?
        /// The root's children whose own children are read too (nil: all of them).
        package var nodesWithChildren: Set<String>?

        package init(properties: Set<String>?, nodesWithChildren: Set<String>?) {
            self.properties = properties
            self.nodesWithChildren = nodesWithChildren
        }

        /// Every property of the root, its children and theirs.
        package static let all = Selection(properties: nil, nodesWithChildren: nil)
    }

    package static func read(from files: KernelFiles, at path: String, selection: Selection) throws(SourceError) -> DevicetreeNode {
        try read(from: files, at: path, selection: selection, level: 0)
    }

    private static func read(from files: KernelFiles, at path: String, selection: Selection, level: Int) throws(SourceError) -> DevicetreeNode {
        let names: [String]
        do { names = try files.list(path) } catch { throw SourceError(error) }
        let name = level == 0 ? "" : String(path.split(separator: "/").last ?? "")
        var node = DevicetreeNode(name: name)
        // The root's entries that are not properties are its nodes; one level down, only a selected node's.
        let descends = level == 0 || (level == 1 && selection.nodesWithChildren.map { $0.contains(name) } ?? true)
        for name in names.sorted() {
            let wanted = selection.properties.map { $0.contains(name) } ?? true
            // An unwanted entry below the levels read is skipped without a stat.
            guard wanted || descends else { continue }
            let child = path + "/" + name
            if files.isDirectory(child) {
                if descends { node.children.append(try read(from: files, at: child, selection: selection, level: level + 1)) }
            } else if wanted {
                do { node.properties[name] = try files.readBytes(child) } catch { throw SourceError(error) }
            }
        }
        return node
    }
}
